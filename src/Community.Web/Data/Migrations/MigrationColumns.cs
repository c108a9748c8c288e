using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Migrations.Operations.Builders;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Community.Web.Data.Migrations;

/// <summary>Provider-neutral column helpers for hand-written migrations.</summary>
internal static class MigrationColumns
{
    /// <summary>Marks an integer key as database-generated on both SQLite and PostgreSQL; each provider ignores the other's annotation.</summary>
    public static OperationBuilder<AddColumnOperation> Identity(this OperationBuilder<AddColumnOperation> column) => column
        .Annotation("Sqlite:Autoincrement", true)
        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn);
}

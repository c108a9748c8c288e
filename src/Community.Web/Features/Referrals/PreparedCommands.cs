using System.Data.Common;

namespace Community.Web.Features.Referrals;

/// <summary>For the two hot-path inserts that stay in plain ADO.NET (clicks, idempotency records): each value is bound
/// to a parameter held by name, never by its position in a list.</summary>
internal static class PreparedCommands
{
    public static DbCommand Prepare(this DbConnection connection, DbTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    public static DbParameter Parameter(this DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        command.Parameters.Add(parameter);
        return parameter;
    }
}

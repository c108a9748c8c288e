using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace Community.Web.Data;

/// <summary>Wraps each SQLite transaction EF begins (ours and its own for SaveChanges) in a <see cref="GatedTransaction"/>.</summary>
internal sealed class GatedTransactionFactory(RelationalTransactionFactoryDependencies dependencies) : RelationalTransactionFactory(dependencies)
{
    public override RelationalTransaction Create(IRelationalConnection connection, DbTransaction transaction, Guid transactionId,
        IDiagnosticsLogger<DbLoggerCategory.Database.Transaction> logger, bool transactionOwned)
    {
        var gated = new GatedTransaction(connection, transaction, transactionId, logger, transactionOwned, Dependencies.SqlGenerationHelper);
        WriteHold.Of(connection.DbConnection).Pass(WriteHold.BeginningTransaction, gated);
        return gated;
    }
}

/// <summary>
/// A transaction that leaves the write queue however it ends: EF calls ClearTransaction after a commit, after a rollback and
/// on dispose (a transaction abandoned by an early return or an exception, or still open when a pooled context goes back).
/// </summary>
internal sealed class GatedTransaction(IRelationalConnection connection, DbTransaction transaction, Guid transactionId,
    IDiagnosticsLogger<DbLoggerCategory.Database.Transaction> logger, bool transactionOwned, ISqlGenerationHelper sql)
    : RelationalTransaction(connection, transaction, transactionId, logger, transactionOwned, sql)
{
    protected override void ClearTransaction()
    {
        try { base.ClearTransaction(); }
        finally { WriteHold.Of(Connection.DbConnection).Give(this); }
    }

    protected override async Task ClearTransactionAsync(CancellationToken cancellationToken = default)
    {
        try { await base.ClearTransactionAsync(cancellationToken); }
        finally { WriteHold.Of(Connection.DbConnection).Give(this); }
    }
}

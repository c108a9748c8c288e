using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace Community.Web.Data;

/// <summary>
/// Puts every write on SQLite through the <see cref="WriteGate"/>, whoever issues it (a feature, Identity's UserManager,
/// a background job): a transaction queues before BEGIN (SQLite's BEGIN IMMEDIATE takes the write lock) and leaves the queue
/// when it ends (<see cref="GatedTransaction"/>); SaveChanges always runs in a transaction; a write statement outside one
/// (ExecuteUpdate, ExecuteDelete, raw SQL, UPDATE … RETURNING) queues around itself. Reads never queue.
/// Not registered on PostgreSQL, whose row locks need no gate.
/// </summary>
internal sealed class WriteGateInterceptor : IDbTransactionInterceptor, ISaveChangesInterceptor, IDbCommandInterceptor, IDbConnectionInterceptor
{
    public static readonly WriteGateInterceptor Instance = new();

    private WriteGateInterceptor() { }

    // ---- transactions: queue before BEGIN; GatedTransaction leaves the queue at commit, rollback or dispose ----

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection,
        TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        if (result.HasResult) return result;
        var hold = WriteHold.Of(connection);
        var took = await hold.TakeAsync(connection, WriteHold.BeginningTransaction, cancellationToken);
        try
        {
            // BEGIN here rather than in EF, so that a failing BEGIN gives the gate back at once.
            return InterceptionResult<DbTransaction>.SuppressWithResult(
                await connection.BeginTransactionAsync(eventData.IsolationLevel, cancellationToken));
        }
        catch
        {
            if (took) hold.Give(WriteHold.BeginningTransaction);
            throw;
        }
    }

    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData,
        InterceptionResult<DbTransaction> result)
    {
        if (result.HasResult) return result;
        var hold = WriteHold.Of(connection);
        var took = hold.Take(connection, WriteHold.BeginningTransaction);
        try
        {
            return InterceptionResult<DbTransaction>.SuppressWithResult(connection.BeginTransaction(eventData.IsolationLevel));
        }
        catch
        {
            if (took) hold.Give(WriteHold.BeginningTransaction);
            throw;
        }
    }

    // ---- SaveChanges: always in a transaction (even a single statement), which holds the gate ----

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        AlwaysTransaction(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        AlwaysTransaction(eventData.Context);
        return result;
    }

    private static void AlwaysTransaction(DbContext? db)
    {
        // Set on every save: a pooled context gets the default (WhenNeeded) back each time it is returned.
        if (db is not null) db.Database.AutoTransactionBehavior = AutoTransactionBehavior.Always;
    }

    // ---- statements outside a transaction ----

    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (result.HasResult || command.Connection is not { } connection) return result;
        var hold = WriteHold.Of(connection);
        if (!await hold.TakeAsync(connection, command, cancellationToken)) return result; // inside a transaction
        try { return InterceptionResult<int>.SuppressWithResult(await command.ExecuteNonQueryAsync(cancellationToken)); }
        finally { hold.Give(command); }
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        if (result.HasResult || command.Connection is not { } connection) return result;
        var hold = WriteHold.Of(connection);
        if (!hold.Take(connection, command)) return result;
        try { return InterceptionResult<int>.SuppressWithResult(command.ExecuteNonQuery()); }
        finally { hold.Give(command); }
    }

    public async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        if (result.HasResult || !Writes(command, eventData) || command.Connection is not { } connection) return result;
        var hold = WriteHold.Of(connection);
        if (!await hold.TakeAsync(connection, command, cancellationToken)) return result;
        try { return InterceptionResult<object>.SuppressWithResult((await command.ExecuteScalarAsync(cancellationToken))!); }
        finally { hold.Give(command); }
    }

    public InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        if (result.HasResult || !Writes(command, eventData) || command.Connection is not { } connection) return result;
        var hold = WriteHold.Of(connection);
        if (!hold.Take(connection, command)) return result;
        try { return InterceptionResult<object>.SuppressWithResult(command.ExecuteScalar()!); }
        finally { hold.Give(command); }
    }

    // A write that returns rows (UPDATE … RETURNING) holds SQLite's lock until its reader is done: the gate is held as long.
    public async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (Writes(command, eventData) && command.Connection is { } connection)
            await WriteHold.Of(connection).TakeAsync(connection, command, cancellationToken);
        return result;
    }

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        if (Writes(command, eventData) && command.Connection is { } connection) WriteHold.Of(connection).Take(connection, command);
        return result;
    }

    public InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        GiveStatement(command);
        return result;
    }

    public ValueTask<InterceptionResult> DataReaderClosingAsync(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        GiveStatement(command);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult DataReaderClosing(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        GiveStatement(command);
        return result;
    }

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        GiveStatement(command);
        return Task.CompletedTask;
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData) => GiveStatement(command);

    public Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        GiveStatement(command);
        return Task.CompletedTask;
    }

    public void CommandCanceled(DbCommand command, CommandEndEventData eventData) => GiveStatement(command);

    // The last resort for a statement's hold: its connection closing means it is over.
    public ValueTask<InterceptionResult> ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        WriteHold.Of(connection).GiveStatement();
        return ValueTask.FromResult(result);
    }

    public InterceptionResult ConnectionClosing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        WriteHold.Of(connection).GiveStatement();
        return result;
    }

    private static void GiveStatement(DbCommand command)
    {
        if (command.Connection is { } connection) WriteHold.Of(connection).Give(command);
    }

    /// <summary>Queries from LINQ only read; SaveChanges writes; raw SQL that returns rows writes when it says so.</summary>
    private static bool Writes(DbCommand command, CommandEventData eventData) => eventData.CommandSource switch
    {
        CommandSource.LinqQuery => false,
        CommandSource.SaveChanges or CommandSource.ExecuteUpdate or CommandSource.ExecuteDelete => true,
        _ => WritingSql(command.CommandText),
    };

    internal static bool WritingSql(string sql)
    {
        var text = sql.AsSpan().TrimStart();
        return text.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase) || text.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase) || text.StartsWith("REPLACE", StringComparison.OrdinalIgnoreCase)
            || sql.Contains("RETURNING", StringComparison.OrdinalIgnoreCase);
    }
}

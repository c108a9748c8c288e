using Microsoft.EntityFrameworkCore;

namespace Community.Web.Data;

/// <summary>The one place that tells database failures apart. Callers catch only what they mean
/// (a unique violation is "already done"); everything else stays an error.</summary>
public static class DbErrors
{
    /// <summary>SQLite error 19 (constraint) with a UNIQUE message, or PostgreSQL 23505.</summary>
    public static bool IsUniqueViolation(DbUpdateException ex) => IsUniqueViolation(ex.InnerException);

    public static bool IsUniqueViolation(Exception? ex) => ex switch
    {
        DbUpdateException update => IsUniqueViolation(update.InnerException),
        Microsoft.Data.Sqlite.SqliteException s => s.SqliteErrorCode == 19 && s.Message.Contains("UNIQUE", StringComparison.OrdinalIgnoreCase),
        Npgsql.PostgresException p => p.SqlState == "23505",
        _ => false,
    };

    /// <summary>SQLite BUSY or LOCKED: another process holds the database.</summary>
    public static bool IsBusy(Exception ex) => ex is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 5 or 6 }
        || ex.InnerException is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 5 or 6 };
}

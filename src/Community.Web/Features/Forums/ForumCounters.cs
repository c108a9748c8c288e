using System.Globalization;
using System.Text;
using Community.Web.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Community.Web.Features.Forums;

/// <summary>
/// On PostgreSQL, a category's thread and post counters and an author's read mark on their own reply are written a moment after the
/// reply commits, many replies' worth in one statement batch. Every reply to a category used to update that category's row in a
/// transaction of its own: sixteen writers queued on one row lock, each holding it through a WAL flush, and a reply paid two more round
/// trips. What is deferred is derived and commutative (counts add up, a read mark only moves forward), so batches from several servers
/// merge correctly in any order; a kill -9 loses at most one flush window of them (the posts themselves are committed: a category may
/// then show a post or two fewer). SQLite keeps them in the reply's own transaction: its writes queue in one process anyway.
/// </summary>
public sealed partial class ForumCounters(IServiceScopeFactory scopes, ForumReader reader, ILogger<ForumCounters> logger) : BackgroundService
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(20);
    private readonly object _lock = new();
    private Dictionary<int, Count> _counts = [];
    private Dictionary<(string Member, long Thread), int> _reads = [];
    private readonly SemaphoreSlim _wake = new(0, 1);

    private sealed record Count(int Threads, int Posts, DateTime? At);

    public void Counted(int categoryId, int threads, int posts, DateTime? at)
    {
        lock (_lock)
        {
            var c = _counts.GetValueOrDefault(categoryId) ?? new Count(0, 0, null);
            _counts[categoryId] = new Count(c.Threads + threads, c.Posts + posts, c.At is { } a && (at is null || a > at) ? a : at);
        }
        Wake();
    }

    public void Read(string memberId, long threadId, int seq)
    {
        lock (_lock)
        {
            var key = (memberId, threadId);
            if (_reads.GetValueOrDefault(key) < seq) _reads[key] = seq;
        }
        Wake();
    }

    private void Wake()
    {
        if (_wake.CurrentCount == 0) try { _wake.Release(); } catch (SemaphoreFullException) { /* awake already */ }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await _wake.WaitAsync(stoppingToken);
                await Task.Delay(Window, stoppingToken);
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken); // a clean stop loses nothing
    }

    /// <summary>Writes what is pending now (tests call it to see the counters at once).</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        Dictionary<int, Count> counts;
        Dictionary<(string Member, long Thread), int> reads;
        lock (_lock)
        {
            if (_counts.Count == 0 && _reads.Count == 0) return;
            (counts, _counts) = (_counts, []);
            (reads, _reads) = (_reads, []);
        }
        var sql = new StringBuilder();
        var args = new List<object>();
        string P(object value)
        {
            args.Add(new NpgsqlParameter("p" + args.Count.ToString(CultureInfo.InvariantCulture), value));
            return "@p" + (args.Count - 1).ToString(CultureInfo.InvariantCulture);
        }
        // Rows in a fixed order, so two servers' batches can never deadlock on each other.
        foreach (var (id, c) in counts.OrderBy(c => c.Key))
        {
            sql.Append(CultureInfo.InvariantCulture, $"""UPDATE "ForumCategories" SET "ThreadCount" = "ThreadCount" + {P(c.Threads)}, """)
                .Append(CultureInfo.InvariantCulture, $""" "PostCount" = "PostCount" + {P(c.Posts)}""");
            if (c.At is { } at)
            {
                var when = P(at);
                sql.Append(CultureInfo.InvariantCulture, $""", "LastActivityAt" = GREATEST(COALESCE("LastActivityAt", {when}), {when})""");
            }
            sql.Append(CultureInfo.InvariantCulture, $""" WHERE "Id" = {P(id)};""").Append('\n');
        }
        foreach (var ((member, thread), seq) in reads.OrderBy(r => r.Key.Member, StringComparer.Ordinal).ThenBy(r => r.Key.Thread))
        {
            sql.Append(CultureInfo.InvariantCulture, $"""
                INSERT INTO "ForumThreadReads" ("MemberId", "ThreadId", "LastReadSeq") VALUES ({P(member)}, {P(thread)}, {P(seq)})
                ON CONFLICT ("MemberId", "ThreadId") DO UPDATE SET "LastReadSeq" = GREATEST("ForumThreadReads"."LastReadSeq", excluded."LastReadSeq");
                """).Append('\n');
        }
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
            await using (var tx = await db.BeginWriteAsync(ct))
            {
                await db.Database.ExecuteSqlRawAsync(sql.ToString(), args, ct);
                await tx.CommitAsync(ct);
            }
            if (counts.Count > 0) reader.CountersChanged();
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogFlushFailed(logger, e); // derived numbers only, and the posts they count are saved
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Category counters and read marks of a flush window were not written")]
    private static partial void LogFlushFailed(ILogger logger, Exception error);
}

using Community.Web.Data;
using Community.Web.Features.Integrations;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Lifecycle;

/// <summary>The <c>data</c> of a <c>member.stage_changed</c> webhook. <see cref="From"/> is empty for a member's first stage.</summary>
public sealed record StageChangedEventData(string MemberId, string? ExternalId, string From, string To, string Cause, DateTime At);

/// <summary>
/// Recomputes stages from the owning features' facts and records each change: the member's current stage, a history row, the day's
/// flow count and the webhook event, all in one transaction. Used by the activity listener (a few members) and the daily pass (all).
/// Safe to run twice or on two servers at once: a change is applied only while the stored stage is still the one it was computed
/// from, so each move is recorded once.
/// </summary>
public sealed class StageEngine(CommunityDb db, IEnumerable<IMemberFactSource> sources, IWebhookEvents webhooks, TimeProvider clock,
    LifecycleOptions options)
{
    private sealed record Change(MemberFacts Facts, string? From, StageVerdict To);

    /// <summary>Recomputes <paramref name="only"/> (null: every member); returns how many stages changed.</summary>
    public async Task<int> RecomputeAsync(IReadOnlyCollection<string>? only, CancellationToken ct)
    {
        var facts = new MemberFactSet(only);
        foreach (var source in sources) await source.AddFactsAsync(facts, ct);
        var stored = db.Set<MemberStage>().AsNoTracking();
        if (only is not null) stored = stored.Where(s => only.Contains(s.MemberId));
        var current = await stored.Select(s => new { s.MemberId, s.Stage })
            .ToDictionaryAsync(s => s.MemberId, s => s.Stage, StringComparer.Ordinal, ct);

        var now = clock.GetUtcNow().UtcDateTime;
        var changes = new List<Change>();
        foreach (var member in facts.Members)
        {
            var verdict = StageRules.Decide(member, now, options);
            var from = current.GetValueOrDefault(member.MemberId);
            if (from != verdict.Stage) changes.Add(new Change(member, from, verdict));
        }
        var written = 0;
        foreach (var batch in changes.Chunk(Math.Max(1, options.WriteBatchSize))) written += await WriteAsync(batch, now, ct);
        return written;
    }

    private async Task<int> WriteAsync(Change[] batch, DateTime now, CancellationToken ct)
    {
        var day = DateOnly.FromDateTime(now);
        var flows = new Dictionary<(string From, string To), int>();
        var written = 0;
        await using (var tx = await db.BeginWriteAsync(ct))
        {
            foreach (var (facts, from, to) in batch)
            {
                var id = facts.MemberId;
                var cause = from is null ? to.Cause : StageRules.CauseOfChange(from, to);
                if (cause.Length > 200) cause = cause[..200];
                var applied = from is null
                    ? await db.Database.ExecuteSqlAsync($"""
                        INSERT INTO "MemberStages" ("MemberId", "Stage", "Since", "Cause") VALUES ({id}, {to.Stage}, {now}, {cause})
                        ON CONFLICT ("MemberId") DO NOTHING
                        """, ct)
                    : await db.Database.ExecuteSqlAsync($"""
                        UPDATE "MemberStages" SET "Stage" = {to.Stage}, "Since" = {now}, "Cause" = {cause}
                        WHERE "MemberId" = {id} AND "Stage" = {from}
                        """, ct);
                if (applied == 0) continue; // another pass (or server) moved this member first
                db.Add(new MemberStageChange { MemberId = id, FromStage = from ?? "", ToStage = to.Stage, Cause = cause, At = now });
                flows[(from ?? "", to.Stage)] = flows.GetValueOrDefault((from ?? "", to.Stage)) + 1;
                webhooks.Add(db, WebhookTypes.MemberStageChanged, new StageChangedEventData(id, facts.ExternalId, from ?? "", to.Stage, cause, now));
                written++;
            }
            await db.SaveChangesAsync(ct);
            foreach (var ((fromStage, toStage), count) in flows)
            {
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO "StageFlowDays" ("Day", "FromStage", "ToStage", "Count") VALUES ({day}, {fromStage}, {toStage}, {count})
                    ON CONFLICT ("Day", "FromStage", "ToStage") DO UPDATE SET "Count" = "StageFlowDays"."Count" + excluded."Count"
                    """, ct);
            }
            await tx.CommitAsync(ct);
        }
        db.ChangeTracker.Clear();
        return written;
    }
}

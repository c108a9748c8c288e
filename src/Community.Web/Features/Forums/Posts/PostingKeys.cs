using System.Text.Json;
using Community.Web.Data;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Features.Forums;

/// <summary>
/// The answer to one posting (a new thread or a reply) sent with an <c>Idempotency-Key</c>. A member whose answer was lost
/// (a dropped connection, a server killed after the commit) sends the same request with the same key again and gets this
/// answer back instead of a second post, from whichever server they reach: the key is stored in the post's own write
/// transaction, and the primary key on (member, key) makes a concurrent twin fail there and replay the winner's answer.
/// </summary>
public sealed class PostingKey
{
    public const int MaxKeyLength = 100;

    public string MemberId { get; set; } = "";
    public string Key { get; set; } = "";
    /// <summary>What the key was used for ("thread", "reply:42"): the same key on another request is a mistake, not a retry.</summary>
    public string Purpose { get; set; } = "";
    public string Location { get; set; } = "";
    /// <summary>The response body as first sent (JSON).</summary>
    public string Response { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

internal sealed class PostingKeyConfiguration : IEntityTypeConfiguration<PostingKey>
{
    public void Configure(EntityTypeBuilder<PostingKey> b)
    {
        b.ToTable("ForumPostingKeys");
        b.HasKey(x => new { x.MemberId, x.Key });
        b.Property(x => x.MemberId).HasMaxLength(450);
        b.Property(x => x.Key).HasMaxLength(PostingKey.MaxKeyLength);
        b.Property(x => x.Purpose).HasMaxLength(40).IsRequired();
        b.Property(x => x.Location).HasMaxLength(300).IsRequired();
        b.Property(x => x.Response).IsRequired();
        b.HasIndex(x => x.CreatedAt);
    }
}

/// <summary>Reading, checking and storing posting keys; see <see cref="PostingKey"/>.</summary>
public static class PostingKeys
{
    public const string Header = "Idempotency-Key";

    /// <summary>How long a retry is recognised; after that the key may be used again.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The request's key, or null without one; a malformed key is refused.</summary>
    public static (string? Key, ProblemHttpResult? Problem) From(HttpRequest request)
    {
        if (!request.Headers.TryGetValue(Header, out var values)) return (null, null);
        var key = values.ToString().Trim();
        if (values.Count != 1 || key.Length is 0 or > PostingKey.MaxKeyLength || key.Any(c => c is < '!' or > '~'))
        {
            return (null, Problems.BadRequest($"{Header} must be one value of 1 to {PostingKey.MaxKeyLength} visible ASCII characters."));
        }
        return (key, null);
    }

    /// <summary>The earlier answer to this member's key, while it lasts.</summary>
    public static Task<PostingKey?> FindAsync(CommunityDb db, string memberId, string key, DateTime now, CancellationToken ct)
    {
        var since = now - Lifetime;
        return db.Set<PostingKey>().AsNoTracking().FirstOrDefaultAsync(k => k.MemberId == memberId && k.Key == key && k.CreatedAt > since, ct);
    }

    /// <summary>
    /// Stores the answer inside the caller's write transaction, as its last statement. False when a twin request with the same
    /// key committed first: the caller's transaction is then spoilt (PostgreSQL aborts it), so the caller disposes it and replays.
    /// </summary>
    public static async Task<bool> TryStoreAsync<T>(CommunityDb db, string memberId, string key, string purpose, string location, T response,
        DateTime now, CancellationToken ct)
    {
        // This member's expired keys go first, so a key reused after its lifetime is not mistaken for a twin.
        var before = now - Lifetime;
        await db.Set<PostingKey>().Where(k => k.MemberId == memberId && k.CreatedAt <= before).ExecuteDeleteAsync(ct);
        db.Add(new PostingKey
        {
            MemberId = memberId, Key = key, Purpose = purpose, Location = location, Response = JsonSerializer.Serialize(response, Json),
            CreatedAt = now,
        });
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }

    /// <summary>The earlier answer again (201 with the same body and location), or 409 when the key was used for another request.</summary>
    public static Results<Created<T>, ProblemHttpResult, ValidationProblem> Replay<T>(PostingKey earlier, string purpose)
    {
        if (!string.Equals(earlier.Purpose, purpose, StringComparison.Ordinal))
        {
            return Problems.Conflict($"This {Header} was used for another request. Send a new key with each new post.");
        }
        return TypedResults.Created(earlier.Location, JsonSerializer.Deserialize<T>(earlier.Response, Json)!);
    }
}

using System.Text.Json;
using Community.Tests.Infrastructure;
using Community.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Forums.Ideas;

/// <summary>The forum factory with a small vote budget, so the budget is reached in a few votes.</summary>
public class IdeaFactory : ForumFactory
{
    public const int Budget = 3;

    protected override IDictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Ideas:VoteBudget"] = Budget.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return settings;
    }
}

public sealed class PostgresIdeaFactory(string connectionString) : IdeaFactory
{
    protected override IDictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Database:Provider"] = "Postgres";
        settings["Database:ConnectionString"] = connectionString;
        return settings;
    }
}

public sealed record VoteView(long ThreadId, int Votes, bool Voted, int VotesLeft, int Budget);
public sealed record IdeaView(long Id, string Title, string Url, string Status, string StatusLabel, string? StatusNote, string? AnnouncementUrl,
    int Votes, long? MergedIntoId, bool Voted, int? VotesLeft, int Budget, bool CanManage);
public sealed record IdeaRow(long Id, string Title, string Url, string Status, int Votes, int RecentVotes, bool Voted);
public sealed record NoteView(long Id, string Kind, string Text, string Url);
public sealed record NotesView(int Unread, List<NoteView> Items);
public sealed record VoterView(string UserName, string DisplayName);
public sealed record VoterGroupView(string Account, string? AccountName, string Plan, int Count, List<VoterView> Voters);
public sealed record VotersView(long ThreadId, int Total, List<VoterGroupView> Groups);

/// <summary>Shortcuts shared by the idea tests.</summary>
public static class Ideas
{
    public static async Task<CategoryView> CategoryAsync(ApiClient admin, params string[] readRoles) =>
        await ApiClient.ReadAsync<CategoryView>(await admin.PostAsync("/api/categories", new
        {
            name = "Ideas " + Guid.NewGuid().ToString("N")[..6], slug = $"ideas-{Guid.NewGuid():N}"[..20], description = "Ideas", kind = "ideas",
            readRoles,
        }), HttpStatusCode.Created);

    public static async Task<long> PostAsync(ApiClient author, int categoryId, string title = "Dark mode for reports") =>
        (await Forum.ThreadAsync(author, categoryId, title, "It would help at night.")).Thread.Id;

    public static Task<HttpResponseMessage> VoteAsync(ApiClient member, long id) => member.PutAsync($"/api/ideas/{id}/vote");

    public static async Task<VoteView> VotedAsync(ApiClient member, long id) => await ApiClient.ReadAsync<VoteView>(await VoteAsync(member, id));

    public static async Task<IdeaView> StatusAsync(ApiClient staff, long id, string status, string? note = null, string? announcementUrl = null) =>
        await ApiClient.ReadAsync<IdeaView>(await staff.PutAsync($"/api/ideas/{id}/status", new { status, note, announcementUrl }));

    public static async Task<IdeaView> GetAsync(ApiClient client, long id) =>
        await ApiClient.ReadAsync<IdeaView>(await client.GetAsync($"/api/ideas/{id}"));

    public static async Task<List<IdeaRow>> ListAsync(ApiClient client, string query = "") =>
        await ApiClient.ReadAsync<List<IdeaRow>>(await client.GetAsync("/api/ideas" + query));

    public static async Task<NotesView> NotesAsync(ApiClient member) =>
        await ApiClient.ReadAsync<NotesView>(await member.GetAsync("/api/notifications"));

    /// <summary>Rows in the vote table for an idea, straight from the database (the count must never disagree with them).</summary>
    public static async Task<int> StoredVotesAsync(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> factory, long id)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        return await db.Set<Community.Web.Features.Forums.IdeaVote>().CountAsync(v => v.ThreadId == id);
    }

    public static JsonSerializerOptions Json => JsonSerializerOptions.Web;
}

using Community.Tests.Forums;
using Community.Tests.Infrastructure;
using Community.Web.Features.Recognition;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Recognition;

/// <summary>Two servers on one PostgreSQL database: badges are granted once, and trust levels agree, whichever server computes them.</summary>
public sealed class RecognitionPostgresTests
{
    [PostgresFact]
    public async Task Two_servers_racing_grant_a_badge_once_and_share_trust_levels()
    {
        await using var database = await Databases.CreatePostgresAsync();
        await using var one = new PostgresRecognitionFactory(database.ConnectionString);
        await using var two = new PostgresRecognitionFactory(database.ConnectionString);
        using var admin = await one.MemberAsync("Pg Badge Admin", "Admin");
        using var member = await one.MemberAsync("Pg Badge Member");
        var category = await Forum.CategoryAsync(admin);
        await Forum.ThreadAsync(member, category.Id, "A post on server one");
        var id = member.Current!.Id;

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            await using var scope = (i % 2 == 0 ? one : two).Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<BadgeRules>().ApplyAsync([id], CancellationToken.None);
        }));
        // The listener on server one may have granted it first: then none of the twenty does.
        Assert.True(results.Sum() <= 1);
        Assert.Equal(1, await Recognition.GrantsAsync(two, id, BadgeCatalog.FirstPost));
        Assert.Single((await Recognition.NotesAsync(member)).Items, n => n.Kind == "badge");

        // A level computed on one server is the level the other gates on (the database, no cache).
        await using (var scope = one.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<Web.Data.CommunityDb>().Set<MemberVisitDay>().AddRangeAsync(
                Enumerable.Range(0, 60).Select(d => new MemberVisitDay { MemberId = id, Day = DateTime.UtcNow.Date.AddDays(-d - 1) }));
            await scope.ServiceProvider.GetRequiredService<Web.Data.CommunityDb>().SaveChangesAsync();
        }
        await two.Services.GetRequiredService<RecognitionPass>().RunAsync(CancellationToken.None);
        await using (var scope = one.Services.CreateAsyncScope())
        {
            Assert.Equal(3, await scope.ServiceProvider.GetRequiredService<ITrustLevels>().LevelOfAsync(id, CancellationToken.None));
        }
    }
}

/// <summary>The recognition factory (low thresholds) on a PostgreSQL database several may share.</summary>
public sealed class PostgresRecognitionFactory(string connectionString) : RecognitionFactory
{
    protected override IDictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Database:Provider"] = "Postgres";
        settings["Database:ConnectionString"] = connectionString;
        return settings;
    }
}

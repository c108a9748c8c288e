using System.Text;
using Community.Tests.Infrastructure;
using Community.Web.Infrastructure.Live;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Community.Tests.Live;

/// <summary>The PostgreSQL live bus when things go wrong: payloads near NOTIFY's byte limit, chunks that never complete, a lost listener.</summary>
public sealed class LiveBusFailureTests
{
    public static TheoryData<string> Texts => new()
    {
        string.Concat(Enumerable.Repeat("😀", 5000)),            // 4 bytes in 2 UTF-16 characters
        string.Concat(Enumerable.Repeat("漢字", 4000)),           // 3 bytes in 1 character
        string.Concat(Enumerable.Repeat("a漢😀é", 2000)),         // mixed widths, so chunk edges fall everywhere
        new string('x', LiveChunks.MaxPayloadBytes - 64),        // exactly one full chunk
        new string('x', LiveChunks.MaxPayloadBytes - 63),        // one byte more
        "",
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void Chunks_are_cut_by_utf8_bytes_under_the_notify_limit_and_put_back_together_exactly(string text)
    {
        var chunks = LiveChunks.Split(Guid.NewGuid().ToString("N"), text);

        Assert.All(chunks, c => Assert.True(Encoding.UTF8.GetByteCount(c) < 8000, $"{Encoding.UTF8.GetByteCount(c)} bytes"));
        Assert.All(chunks, c => Assert.DoesNotContain('\uFFFD', Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(c)))); // no cut surrogate pair
        var assembler = new LiveChunkAssembler(new TestClock());
        string? whole = null;
        foreach (var chunk in chunks) whole = assembler.Add(chunk);
        Assert.Equal(text, whole);
        Assert.Equal(0, assembler.Pending);
    }

    [Fact]
    public void A_message_whose_other_chunks_never_come_is_forgotten_after_ten_seconds()
    {
        var clock = new TestClock();
        var assembler = new LiveChunkAssembler(clock);
        var chunks = LiveChunks.Split("cut", new string('x', 20_000));
        Assert.Null(assembler.Add(chunks[0]));
        Assert.Equal(1, assembler.Pending);

        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal("still here", assembler.Add("one|0|1|still here"));
        Assert.Equal(1, assembler.Pending);
        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal("later", assembler.Add("two|0|1|later"));
        Assert.Equal(0, assembler.Pending);
    }

    private sealed class PostgresServer(string connectionString) : CommunityFactory
    {
        protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["Database:ConnectionString"] = connectionString,
        };
    }

    [PostgresFact]
    public async Task When_the_listening_connection_is_killed_the_bus_reconnects_tells_pages_to_resync_and_delivers_again()
    {
        await using var database = await Databases.CreatePostgresAsync();
        await using var server = new PostgresServer(database.ConnectionString);
        using var member = await server.MemberAsync("Resync Viewer");
        var cookie = await Cookies.SignInAsync(server.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false }), member.Current!.Email);
        await using var viewer = await HubClient.ConnectAsync(server, cookie);
        var bus = server.Services.GetRequiredService<ILiveBus>();
        var group = LiveGroups.Member(member.Current.Id);
        await Eventually.RepeatUntilAsync(() => bus.PublishAsync(group, "ready", new { }), () => viewer.Received("ready").Count > 0,
            TimeSpan.FromMilliseconds(250));
        Assert.Empty(viewer.Received("Resync"));

        // Only this test's database: other tests share the PostgreSQL server.
        await using (var admin = new NpgsqlConnection(database.ConnectionString))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity " +
                "WHERE query LIKE 'LISTEN%' AND datname = current_database() AND pid <> pg_backend_pid()", admin);
            Assert.True((long)(await kill.ExecuteScalarAsync())! >= 1);
        }

        await viewer.WaitForAsync("Resync", timeout: TimeSpan.FromSeconds(30));
        // Resync goes out once the listener listens again: one message published now must arrive.
        await bus.PublishAsync(group, "notice", new { text = "after the drop" });
        Assert.Equal("after the drop", (await viewer.WaitForAsync("notice")).GetProperty("text").GetString());
    }
}

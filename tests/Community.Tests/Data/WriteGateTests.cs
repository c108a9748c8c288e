using Community.Web.Data;
using Community.Web.Features.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Data;

/// <summary>
/// Every write on SQLite waits its turn at the in-process write gate, also the ones that never call BeginWriteAsync
/// (Identity's UserManager, ExecuteUpdate, raw statements); reads never wait; a transaction's own writes do not queue
/// behind itself; and the gate comes back however a write ends. The test holds the gate itself, as another writer would.
/// </summary>
public sealed class WriteGateTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("community-gate").FullName;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddDbContext<CommunityDb>(o => o.UseCommunitySqlite($"Data Source={Path.Combine(_folder, "gate.db")}")
            .ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning)));
        services.AddIdentityCore<Member>().AddEntityFrameworkStores<CommunityDb>();
        _services = services.BuildServiceProvider();
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CommunityDb>().Database.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Identity_writes_outside_a_write_transaction_wait_their_turn()
    {
        await using var scope = _services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Member>>();
        var gate = GateOf(scope);
        await gate.EnterAsync(CancellationToken.None);
        var create = users.CreateAsync(NewMember("ada"));
        await UntilAsync(() => gate.Waiting == 1);
        Assert.False(create.IsCompleted);
        gate.Exit();
        Assert.True((await create).Succeeded);

        var member = (await users.FindByNameAsync("ada"))!;
        member.DisplayName = "Ada L.";
        await gate.EnterAsync(CancellationToken.None);
        var update = users.UpdateAsync(member);
        await UntilAsync(() => gate.Waiting == 1);
        gate.Exit();
        Assert.True((await update).Succeeded);
        Assert.False(gate.IsHeld);
    }

    [Fact]
    public async Task ExecuteUpdate_and_raw_statements_outside_a_transaction_wait_their_turn()
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var gate = GateOf(scope);
        var ct = CancellationToken.None;

        await gate.EnterAsync(ct);
        var bulk = db.Users.Where(u => u.Id == "nobody").ExecuteUpdateAsync(s => s.SetProperty(u => u.Bio, "x"), ct);
        await UntilAsync(() => gate.Waiting == 1);
        gate.Exit();
        await bulk;

        await gate.EnterAsync(ct);
        var raw = db.Database.ExecuteSqlAsync($"""UPDATE "AspNetUsers" SET "Bio" = 'y' WHERE "Id" = 'nobody'""", ct);
        await UntilAsync(() => gate.Waiting == 1);
        gate.Exit();
        await raw;
        Assert.False(gate.IsHeld);
    }

    [Fact]
    public async Task Reads_do_not_wait_for_the_gate()
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var gate = GateOf(scope);
        await gate.EnterAsync(CancellationToken.None);
        try
        {
            Assert.Equal(0, await db.Users.CountAsync(CancellationToken.None));
            Assert.Empty(await db.Database.SqlQuery<int>($"""SELECT 1 AS "Value" WHERE 0""").ToListAsync(CancellationToken.None));
            Assert.Equal(0, gate.Waiting);
        }
        finally { gate.Exit(); }
    }

    [Fact]
    public async Task A_write_transaction_holds_the_gate_until_it_ends_and_its_own_writes_do_not_queue_again()
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var gate = GateOf(scope);
        var ct = CancellationToken.None;

        await using (var write = await db.BeginWriteAsync(ct))
        {
            Assert.True(gate.IsHeld);
            db.Users.Add(NewMember("grace"));
            await db.SaveChangesAsync(ct);
            await db.Users.Where(u => u.UserName == "grace").ExecuteUpdateAsync(s => s.SetProperty(u => u.Bio, "navy"), ct);
            await db.Database.ExecuteSqlAsync($"""UPDATE "AspNetUsers" SET "Bio" = 'rear admiral' WHERE "UserName" = 'grace'""", ct);
            await write.CommitAsync(ct);
            Assert.False(gate.IsHeld); // handed on at the commit, before the caller's work after it
        }
        Assert.Equal("rear admiral", (await db.Users.AsNoTracking().SingleAsync(ct)).Bio);

        await using (var abandoned = await db.BeginWriteAsync(ct))
        {
            db.Users.Add(NewMember("linus"));
            await db.SaveChangesAsync(ct);
        } // an early return: disposed without a commit
        Assert.False(gate.IsHeld);
        Assert.Equal(1, await db.Users.CountAsync(ct));
    }

    [Fact]
    public async Task A_failed_write_gives_the_gate_back()
    {
        await using var scope = _services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Member>>();
        var gate = GateOf(scope);
        var ct = CancellationToken.None;
        Assert.True((await users.CreateAsync(NewMember("barbara"))).Succeeded);

        // A unique violation inside SaveChanges.
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        db.ChangeTracker.Clear();
        var twin = NewMember("barbara");
        twin.NormalizedUserName = "BARBARA";
        db.Users.Add(twin);
        var failure = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(ct));
        Assert.True(DbErrors.IsUniqueViolation(failure));
        Assert.False(gate.IsHeld);
        db.ChangeTracker.Clear();

        // A concurrency failure: Identity's stamp no longer matches.
        var member = (await users.FindByNameAsync("barbara"))!;
        await db.Users.Where(u => u.Id == member.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.ConcurrencyStamp, "elsewhere"), ct);
        member.DisplayName = "Barbara L.";
        Assert.False((await users.UpdateAsync(member)).Succeeded);
        Assert.False(gate.IsHeld);

        // A statement that fails outside a transaction.
        await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() =>
            db.Database.ExecuteSqlAsync($"""UPDATE "NoSuchTable" SET "X" = 1""", ct));
        Assert.False(gate.IsHeld);
    }

    [Fact]
    public void Statements_that_write_are_told_from_reads()
    {
        Assert.True(WriteGateInterceptor.WritingSql("  update \"ForumThreads\" SET x = 1"));
        Assert.True(WriteGateInterceptor.WritingSql("INSERT INTO t VALUES (1)"));
        Assert.True(WriteGateInterceptor.WritingSql("WITH c AS (SELECT 1) UPDATE t SET x = 1 RETURNING x"));
        Assert.False(WriteGateInterceptor.WritingSql("SELECT \"Id\" FROM \"AspNetUsers\""));
    }

    private static WriteGate GateOf(AsyncServiceScope scope) =>
        WriteGate.For(scope.ServiceProvider.GetRequiredService<CommunityDb>().Database.GetDbConnection());

    private static Member NewMember(string name) => new()
    {
        UserName = name, Email = $"{name}@example.test", DisplayName = name, JoinedAt = DateTime.UtcNow,
    };

    private static async Task UntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(5, timeout.Token); // polls a condition; fails the test (TaskCanceledException) if it never holds
        }
    }
}

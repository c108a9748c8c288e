using System.Data.Common;
using Community.Tests.Infrastructure;
using Community.Web.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Forums;

/// <summary>Only a unique violation means "you already did that": any other failed write stays an error.</summary>
public sealed class WriteFailureTests
{
    /// <summary>Fails inserts into one table with a database error that is not a unique violation, while armed.</summary>
    private sealed class FailingInserts : DbCommandInterceptor
    {
        public volatile string? Table;

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Fail(command);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Fail(command);
            return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }

        private void Fail(DbCommand command)
        {
            if (Table is { } table && command.CommandText.Contains($"INSERT INTO \"{table}\"", StringComparison.Ordinal))
                throw new SqliteException("SQLite Error 19: 'FOREIGN KEY constraint failed'.", 19);
        }
    }

    private sealed class FailingFactory : ForumFactory
    {
        public FailingInserts Failures { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.ConfigureDbContext<CommunityDb>(o => o.AddInterceptors(Failures)));
        }
    }

    [Fact]
    public async Task A_failed_reaction_or_flag_that_is_not_a_duplicate_is_not_reported_as_one()
    {
        await using var factory = new FailingFactory();
        using var admin = await factory.MemberAsync("Admin Failing", "Admin");
        using var member = await factory.MemberAsync("Member Failing");
        var category = await Forum.CategoryAsync(admin);
        var created = await Forum.ThreadAsync(admin, category.Id);

        factory.Failures.Table = "ForumReactions";
        var reacted = await member.PostAsync($"/api/posts/{created.Post.Id}/reactions", new { kind = "tada" });
        Assert.Equal(HttpStatusCode.InternalServerError, reacted.StatusCode);

        factory.Failures.Table = "ForumFlags";
        var flagged = await member.PostAsync($"/api/posts/{created.Post.Id}/flags", new { reason = "spam spam" });
        Assert.Equal(HttpStatusCode.InternalServerError, flagged.StatusCode);

        factory.Failures.Table = null;
        Assert.Equal(HttpStatusCode.Created, (await member.PostAsync($"/api/posts/{created.Post.Id}/reactions", new { kind = "tada" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await member.PostAsync($"/api/posts/{created.Post.Id}/reactions", new { kind = "tada" })).StatusCode);
    }
}

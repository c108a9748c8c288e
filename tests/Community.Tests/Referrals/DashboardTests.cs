using System.Data.Common;
using System.Text.Json;
using Community.Tests.Infrastructure;
using Community.Web.Data;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Referrals;

/// <summary>The advocate dashboard is a read: it must not write, whatever cookies the request carries.</summary>
public sealed class DashboardTests
{
    /// <summary>Counts INSERT/UPDATE/DELETE statements run while serving the dashboard (background work has no request).</summary>
    private sealed class WriteCounter : DbCommandInterceptor
    {
        private readonly HttpContextAccessor _http = new();
        public int Writes;

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Count(command);
            return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Count(command);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        private void Count(DbCommand command)
        {
            if (_http.HttpContext?.Request.Path != "/api/referrals/me") return;
            var sql = command.CommandText.TrimStart();
            if (sql.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase) || sql.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase)
                || sql.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase) || sql.Contains("\nINSERT", StringComparison.OrdinalIgnoreCase)
                || sql.Contains("\nUPDATE", StringComparison.OrdinalIgnoreCase))
                Interlocked.Increment(ref Writes);
        }
    }

    private sealed class CountingFactory : CommunityFactory
    {
        public WriteCounter Counter { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.ConfigureDbContext<CommunityDb>(o => o.AddInterceptors(Counter)));
        }
    }

    [Fact]
    public async Task The_dashboard_does_not_write_even_without_a_device_cookie()
    {
        await using var factory = new CountingFactory();
        using var advocate = await factory.MemberAsync("Quiet Advocate");
        await advocate.CodeAsync(); // first visit: the personal code is created once, the browser remembered by its own POST
        var before = factory.Counter.Writes;

        using var fresh = factory.CreateApiClient(); // a new browser: no device cookie
        await fresh.SignInAsync(advocate.Current!.Email);
        for (var i = 0; i < 3; i++)
        {
            var dashboard = await ApiClient.ReadAsync<JsonElement>(await fresh.GetAsync("/api/referrals/me"));
            Assert.False(dashboard.GetProperty("deviceKnown").GetBoolean());
            Assert.Equal(await advocate.CodeAsync(), dashboard.GetProperty("code").GetString());
        }
        Assert.Equal(before, factory.Counter.Writes);
    }
}

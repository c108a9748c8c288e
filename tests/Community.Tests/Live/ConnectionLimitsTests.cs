using Community.Tests.Forums;
using Community.Web.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Community.Tests.Live;

/// <summary>A connection flood must meet a ceiling below the file-descriptor limit, not kill the process (issue #14).</summary>
public sealed class ConnectionLimitsTests
{
    private const string Sample = """
        Limit                     Soft Limit           Hard Limit           Units
        Max processes             63704                63704                processes
        Max open files            20000                40000                files
        Max locked memory         8388608              8388608              bytes
        """;

    [Fact]
    public void The_soft_open_file_limit_is_read_and_leaves_room_for_the_server_itself()
    {
        Assert.Equal(20000, ConnectionLimits.OpenFileLimit(Sample));
        Assert.Null(ConnectionLimits.OpenFileLimit(Sample.Replace("20000 ", "unlimited ", StringComparison.Ordinal)));
        Assert.Null(ConnectionLimits.OpenFileLimit(null));
        Assert.Equal(20000 - ConnectionLimits.Reserved, ConnectionLimits.Available(20000));
        Assert.Equal(64, ConnectionLimits.Available(256));
        Assert.Null(ConnectionLimits.Available(null));
    }

    [Fact]
    public async Task The_server_caps_its_connections_below_the_process_descriptor_limit()
    {
        var limit = ConnectionLimits.OpenFileLimit(File.Exists("/proc/self/limits") ? await File.ReadAllTextAsync("/proc/self/limits") : null);
        if (limit is null) return; // no open-file limit on this machine: nothing to stay under
        await using var factory = new ForumFactory();
        _ = factory.Server; // builds the host
        var limits = factory.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;

        Assert.NotNull(limits.MaxConcurrentConnections);
        Assert.NotNull(limits.MaxConcurrentUpgradedConnections);
        // Every connection, plain or upgraded, counts against one hard ceiling below the descriptor limit (Kestrel's own are its backstop).
        Assert.True(limits.MaxConcurrentConnections <= limit!.Value - ConnectionLimits.Reserved,
            $"{limits.MaxConcurrentConnections} connections leave no room below {limit}");
        Assert.True(limits.MaxConcurrentUpgradedConnections <= limit.Value - ConnectionLimits.Reserved);
    }
}

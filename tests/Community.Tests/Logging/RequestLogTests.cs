using System.Text;
using Community.Tests.Infrastructure;
using Community.Web.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Community.Tests.Logging;

/// <summary>The request log as a default install runs it (Information), written to a captured stream instead of stdout.</summary>
public sealed class RequestLogTests
{
    private sealed class Capture : Stream
    {
        private readonly MemoryStream _bytes = new();
        public string Text { get { lock (_bytes) return Encoding.UTF8.GetString(_bytes.ToArray()); } }
        public int Writes { get { lock (_bytes) return _writes; } }
        private int _writes;
        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (_bytes)
            {
                _writes++;
                _bytes.Write(buffer, offset, count);
            }
        }
        public override void Flush() { }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private sealed class LoggingFactory : CommunityFactory
    {
        public Capture Output { get; } = new();

        protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?> { ["Logging:LogLevel:Community.RequestLog"] = "Information" };

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services =>
            {
                services.RemoveAll<RequestLogWriter>();
                services.AddSingleton(sp => new RequestLogWriter(sp.GetRequiredService<ILoggerFactory>().CreateLogger(RequestLog.Category), Output));
            });
        }
    }

    [Fact]
    public async Task Lines_are_written_in_batches_not_one_write_per_request()
    {
        await using var factory = new LoggingFactory();
        using var client = factory.CreateClient();
        const int requests = 60;
        for (var i = 0; i < requests; i++) await client.GetAsync($"/healthz?n={i}");

        var deadline = DateTime.UtcNow.AddSeconds(15);
        static int Lines(string text) => text.Split('\n').Count(l => l.Contains(" GET /healthz ", StringComparison.Ordinal));
        while (Lines(factory.Output.Text) < requests && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(requests, Lines(factory.Output.Text));
        // A write per few requests costs a thread-pool wake-up and a system call each: more than the request.
        Assert.True(factory.Output.Writes <= requests / 3, $"{factory.Output.Writes} writes for {requests} requests");
    }

    [Fact]
    public async Task Each_request_is_one_line_without_query_string_or_forged_line_breaks()
    {
        await using var factory = new LoggingFactory();
        using var client = factory.CreateClient();
        await client.GetAsync("/healthz?token=secret-token-value");
        await client.GetAsync("/nowhere%0Afake: line");

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!factory.Output.Text.Contains("/nowhere", StringComparison.Ordinal) && DateTime.UtcNow < deadline) await Task.Delay(20);
        var lines = factory.Output.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var health = Assert.Single(lines, l => l.Contains(" GET /healthz ", StringComparison.Ordinal));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT[\d:.]+Z info: Community\.RequestLog GET /healthz 200 in \d+\.\d ms \(member -\)$", health);
        Assert.DoesNotContain("secret-token-value", factory.Output.Text, StringComparison.Ordinal);
        Assert.Single(lines, l => l.Contains("/nowhere?fake: line 404", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("fake", StringComparison.Ordinal));
    }
}

using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Threading.Channels;

namespace Community.Web.Infrastructure;

/// <summary>
/// One line per request: method, path (never the query string, which can hold tokens), status, time, member id.
/// On by default (category <c>Community.RequestLog</c> at Information). A request only queues a small struct; one background
/// writer formats the lines into a reused UTF-8 buffer and writes them to standard output in batches, so logging costs
/// no allocation and no system call per request (the console logger formats every line and writes each one separately).
/// <c>RequestLog:Output=Logger</c> sends the lines through ILogger instead, for deployments that route logs elsewhere.
/// </summary>
public static partial class RequestLog
{
    public const string Category = "Community.RequestLog";

    public static IServiceCollection AddRequestLog(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(sp => new RequestLogWriter(sp.GetRequiredService<ILoggerFactory>().CreateLogger(Category),
            string.Equals(configuration["RequestLog:Output"], "Logger", StringComparison.OrdinalIgnoreCase) ? null : Console.OpenStandardOutput()));
        services.AddHostedService(sp => sp.GetRequiredService<RequestLogWriter>());
        return services;
    }

    public static IApplicationBuilder UseRequestLog(this IApplicationBuilder app)
    {
        var writer = app.ApplicationServices.GetRequiredService<RequestLogWriter>();
        if (!writer.Enabled) return app;
        // Not an async lambda: a request that finishes synchronously costs no state machine, and none costs more than a
        // struct copied into the queue. Formatting and writing happen on the background writer.
        return app.Use((context, next) =>
        {
            var start = Stopwatch.GetTimestamp();
            Task pending;
            try { pending = next(context); }
            catch
            {
                Queue(writer, context, start);
                throw;
            }
            if (!pending.IsCompletedSuccessfully) return AfterAsync(pending, writer, context, start);
            Queue(writer, context, start);
            return Task.CompletedTask;
        });
    }

    private static async Task AfterAsync(Task pending, RequestLogWriter writer, HttpContext context, long start)
    {
        try { await pending; }
        finally { Queue(writer, context, start); }
    }

    private static void Queue(RequestLogWriter writer, HttpContext context, long start) =>
        writer.Add(new RequestLogEntry(DateTime.UtcNow.Ticks, context.Request.Method, context.Request.Path.Value ?? "/",
            context.Response.StatusCode, Stopwatch.GetTimestamp() - start,
            context.User.Identity?.IsAuthenticated == true ? context.User.FindFirst(ClaimTypes.NameIdentifier)?.Value : null));

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path} {Status} in {ElapsedMs:0.0} ms (member {MemberId})")]
    internal static partial void LogRequest(ILogger logger, string method, string path, int status, double elapsedMs, string? memberId);
}

public readonly record struct RequestLogEntry(long AtTicks, string Method, string Path, int Status, long ElapsedTimestamp, string? MemberId);

/// <summary>The single consumer of queued request lines. When the queue is full (output blocked), lines are counted and dropped.</summary>
public sealed class RequestLogWriter(ILogger logger, Stream? output) : BackgroundService
{
    private const int BatchBytes = 64 * 1024;
    /// <summary>How long a line may wait to be written; 16,384 queued lines per interval is over 80,000 requests/s.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(200);
    private readonly Channel<RequestLogEntry> _queue = Channel.CreateBounded<RequestLogEntry>(
        new BoundedChannelOptions(16_384)
        {
            SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite, AllowSynchronousContinuations = false,
        });
    private long _dropped;

    public bool Enabled { get; } = logger.IsEnabled(LogLevel.Information);

    public void Add(in RequestLogEntry entry)
    {
        if (!_queue.Writer.TryWrite(entry)) Interlocked.Increment(ref _dropped);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var buffer = new ArrayBufferWriter<byte>(BatchBytes + 4096);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                // Let lines gather before writing: under load the writer wakes and writes once per interval instead of once
                // per few requests (a thread-pool hop and a write system call each, which cost more than the request itself).
                await Task.Delay(FlushInterval, stoppingToken);
                await DrainAsync(buffer, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        _queue.Writer.TryComplete();
        await DrainAsync(buffer, CancellationToken.None);
    }

    private async Task DrainAsync(ArrayBufferWriter<byte> buffer, CancellationToken ct)
    {
        while (_queue.Reader.TryRead(out var entry))
        {
            if (output is null)
            {
                var elapsed = Millis(entry);
                RequestLog.LogRequest(logger, entry.Method, entry.Path, entry.Status, elapsed, entry.MemberId);
                continue;
            }
            Format(buffer, entry);
            if (buffer.WrittenCount >= BatchBytes) await FlushAsync(buffer, ct);
        }
        if (Interlocked.Exchange(ref _dropped, 0) is var dropped and > 0 && output is not null)
            Append(buffer, $"{DateTime.UtcNow:O} warn: {RequestLog.Category} {dropped} request lines dropped (output too slow)\n");
        await FlushAsync(buffer, ct);
    }

    private async Task FlushAsync(ArrayBufferWriter<byte> buffer, CancellationToken ct)
    {
        if (buffer.WrittenCount == 0 || output is null) return;
        try
        {
            await output.WriteAsync(buffer.WrittenMemory, ct);
            await output.FlushAsync(ct);
        }
        catch (IOException) { } // a closed stdout must not take the server down
        buffer.ResetWrittenCount();
    }

    private static double Millis(in RequestLogEntry e) => Stopwatch.GetElapsedTime(0, e.ElapsedTimestamp).TotalMilliseconds;

    /// <summary>ISO time, level and category like the console logger's one-line format, then the request.</summary>
    private static void Format(ArrayBufferWriter<byte> buffer, in RequestLogEntry e)
    {
        var span = buffer.GetSpan(96 + (e.Path.Length + (e.MemberId?.Length ?? 0) + e.Method.Length) * 3);
        var n = 0;
        new DateTime(e.AtTicks, DateTimeKind.Utc).TryFormat(span, out var w, "O", CultureInfo.InvariantCulture);
        n += w;
        n += Encoding.UTF8.GetBytes(" info: " + RequestLog.Category + " ", span[n..]);
        n += Encoding.UTF8.GetBytes(e.Method, span[n..]);
        span[n++] = (byte)' ';
        var path = Encoding.UTF8.GetBytes(e.Path, span[n..]);
        // Decoded paths can hold %0A: a control character would let a request forge log lines.
        foreach (ref var b in span.Slice(n, path)) if (b < 0x20 || b == 0x7F) b = (byte)'?';
        n += path;
        span[n++] = (byte)' ';
        e.Status.TryFormat(span[n..], out w, default, CultureInfo.InvariantCulture);
        n += w;
        n += Encoding.UTF8.GetBytes(" in ", span[n..]);
        Millis(e).TryFormat(span[n..], out w, "0.0", CultureInfo.InvariantCulture);
        n += w;
        n += Encoding.UTF8.GetBytes(" ms (member ", span[n..]);
        n += Encoding.UTF8.GetBytes(e.MemberId ?? "-", span[n..]);
        span[n++] = (byte)')';
        span[n++] = (byte)'\n';
        buffer.Advance(n);
    }

    private static void Append(ArrayBufferWriter<byte> buffer, string text) =>
        buffer.Advance(Encoding.UTF8.GetBytes(text, buffer.GetSpan(text.Length * 3)));
}

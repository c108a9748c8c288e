using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Community.Tests.Infrastructure;

/// <summary>
/// Every warning any test server logs, process-wide. EF Core logs a query warning once, when it first compiles the
/// query, and that can happen in any test: a test that wants "this warning never happens" must look at all of them.
/// </summary>
public sealed class WarningLog : ILoggerProvider
{
    public static WarningLog Instance { get; } = new();

    private readonly ConcurrentQueue<(string Category, EventId Id, string Message)> _entries = new();

    public IReadOnlyList<(string Category, EventId Id, string Message)> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Sink(this, categoryName);

    public void Dispose() { } // shared by every factory: never disposed with one of them

    private sealed class Sink(WarningLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) log._entries.Enqueue((category, eventId, formatter(state, exception)));
        }
    }
}

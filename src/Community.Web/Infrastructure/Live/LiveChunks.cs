using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Community.Web.Infrastructure.Live;

/// <summary>
/// Splits a bus message into NOTIFY payloads and puts them back together. PostgreSQL refuses a payload of 8,000 bytes or
/// more, and what counts is UTF-8 bytes, not characters: a JSON encoder that leaves emoji or CJK text unescaped makes one
/// character up to 4 bytes. So chunks are cut by byte count, never inside a character (or a surrogate pair).
/// </summary>
internal static class LiveChunks
{
    /// <summary>The most a whole NOTIFY payload (header included) may take; PostgreSQL's limit is "less than 8000".</summary>
    public const int MaxPayloadBytes = 7900;
    private const int MaxHeaderBytes = 64; // "{32 hex}|{index}|{count}|"

    /// <summary>The payloads for one message, in order: "id|index|count|text".</summary>
    public static string[] Split(string id, string text)
    {
        var budget = MaxPayloadBytes - MaxHeaderBytes;
        var parts = new List<string>();
        var start = 0;
        while (start < text.Length || parts.Count == 0)
        {
            int end = start, bytes = 0;
            while (end < text.Length)
            {
                var width = char.IsHighSurrogate(text[end]) && end + 1 < text.Length && char.IsLowSurrogate(text[end + 1]) ? 2 : 1;
                var size = Encoding.UTF8.GetByteCount(text.AsSpan(end, width));
                if (bytes + size > budget) break;
                bytes += size;
                end += width;
            }
            parts.Add(text[start..end]);
            start = end;
        }
        var chunks = new string[parts.Count];
        for (var i = 0; i < parts.Count; i++)
        {
            chunks[i] = string.Create(CultureInfo.InvariantCulture, $"{id}|{i}|{parts.Count}|{parts[i]}");
        }
        return chunks;
    }
}

/// <summary>
/// Puts chunked messages back together on the listening side. A message whose other chunks never come (its publisher
/// died between them, or the listener reconnected in the middle) is dropped after <see cref="Lifetime"/> instead of
/// being kept for ever.
/// </summary>
internal sealed class LiveChunkAssembler(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, Partial> _partial = new(StringComparer.Ordinal);
    private long _nextSweep;

    private sealed record Partial(string?[] Chunks, long Started);

    /// <summary>Messages still waiting for chunks.</summary>
    public int Pending => _partial.Count;

    /// <summary>The whole message once its last chunk arrives; null while chunks are missing or when the payload is malformed.</summary>
    public string? Add(string raw)
    {
        var now = clock.GetUtcNow().UtcTicks;
        Sweep(now);
        var parts = raw.Split('|', 4);
        if (parts.Length != 4 || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var index)
            || !int.TryParse(parts[2], CultureInfo.InvariantCulture, out var count) || count is < 1 or > 1000 || index < 0 || index >= count)
        {
            return null;
        }
        if (count == 1) return parts[3];
        var partial = _partial.GetOrAdd(parts[0], _ => new Partial(new string?[count], now));
        if (partial.Chunks.Length != count) return null;
        partial.Chunks[index] = parts[3];
        if (partial.Chunks.Any(c => c is null)) return null;
        _partial.TryRemove(parts[0], out _);
        return string.Concat(partial.Chunks);
    }

    /// <summary>Forgets every partial message (the listener reconnected: their missing chunks were sent while it was away).</summary>
    public void Clear() => _partial.Clear();

    private void Sweep(long now)
    {
        if (_partial.IsEmpty || now < Interlocked.Read(ref _nextSweep)) return;
        Interlocked.Exchange(ref _nextSweep, now + TimeSpan.TicksPerSecond); // at most once a second
        foreach (var (id, partial) in _partial)
        {
            if (now - partial.Started > Lifetime.Ticks) _partial.TryRemove(id, out _);
        }
    }
}

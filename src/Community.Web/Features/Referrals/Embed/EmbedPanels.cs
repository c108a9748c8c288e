using System.Collections.Concurrent;
using Community.Web.Data;
using Community.Web.Infrastructure.Pages;
using Microsoft.EntityFrameworkCore;
using QRCoder;

namespace Community.Web.Features.Referrals;

/// <summary>What the embedded panel shows: the link and its QR code (a data: URI, allowed by the CSP), funnel and credits.</summary>
public sealed record EmbedPanel(string Link, string QrDataUri, Funnel Funnel, Balances Balances);

/// <summary>
/// Each member's panel, read from the database at most once per <see cref="EmbedOptions.CacheSeconds"/> per server: the product
/// may show the panel on every page view, and credits or clicks that are half a minute old are fine there.
/// </summary>
public sealed class EmbedPanels(EmbedOptions options, TimeProvider clock, IServiceScopeFactory scopes, PublicUrls urls)
{
    private readonly ConcurrentDictionary<string, (EmbedPanel Panel, DateTime Until)> _panels = new(StringComparer.Ordinal);
    // One load per member at a time: a burst of first views waits for the same read instead of repeating it.
    private readonly ConcurrentDictionary<string, Lazy<Task<EmbedPanel>>> _loading = new(StringComparer.Ordinal);

    public ValueTask<EmbedPanel> GetAsync(string memberId, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (_panels.TryGetValue(memberId, out var cached) && cached.Until > now) return ValueTask.FromResult(cached.Panel);
        return new ValueTask<EmbedPanel>(LoadOnceAsync(memberId, now));
    }

    private async Task<EmbedPanel> LoadOnceAsync(string memberId, DateTime now)
    {
        var load = _loading.GetOrAdd(memberId, id => new Lazy<Task<EmbedPanel>>(() => LoadAsync(id)));
        try
        {
            var panel = await load.Value;
            if (_panels.Count > 100_000) Prune(now);
            _panels[memberId] = (panel, now.AddSeconds(options.CacheSeconds));
            return panel;
        }
        finally
        {
            _loading.TryRemove(new KeyValuePair<string, Lazy<Task<EmbedPanel>>>(memberId, load));
        }
    }

    /// <summary>Not cancelled with one request: other viewers of the same member may be waiting for it.</summary>
    private async Task<EmbedPanel> LoadAsync(string memberId)
    {
        var ct = CancellationToken.None;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var code = await Advocates.PersonalCodeAsync(db, memberId, clock, ct);
        var clicks = await db.Set<ReferralCode>().AsNoTracking().Where(c => c.OwnerId == memberId).SumAsync(c => c.ClickCount, ct);
        var mine = db.Set<Referral>().AsNoTracking().Where(r => r.AdvocateId == memberId && !r.IsTest);
        var signups = await mine.CountAsync(r => r.ConfirmedAt != null, ct);
        var conversions = await mine.CountAsync(r => r.ConvertedAt != null, ct);
        var balances = await scope.ServiceProvider.GetRequiredService<Ledger>().BalancesAsync(memberId, ct);
        var link = Advocates.Link(urls.Base, code.Code);
        using var qr = QRCodeGenerator.GenerateQrCode(link, QRCodeGenerator.ECCLevel.M);
        var svg = new SvgQRCode(qr).GetGraphic(6, "#000000", "#ffffff", drawQuietZones: true);
        var uri = "data:image/svg+xml;base64," + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(svg));
        return new EmbedPanel(link, uri, new Funnel(clicks, signups, conversions), balances);
    }

    private void Prune(DateTime now)
    {
        foreach (var (id, entry) in _panels)
        {
            if (entry.Until <= now) _panels.TryRemove(id, out _);
        }
    }
}

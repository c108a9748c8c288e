using System.Collections.Concurrent;
using Community.Web.Data;
using Community.Web.Infrastructure.Pages;
using Microsoft.EntityFrameworkCore;
using QRCoder;

namespace Community.Web.Features.Referrals;

/// <summary>What the embedded panel shows: the link and its QR code (a data: URI, allowed by the CSP), funnel and credits,
/// and the finished page in both themes (rendered once per load, so a cached view costs no templating or encoding).</summary>
public sealed record EmbedPanel(string Link, string QrDataUri, Funnel Funnel, Balances Balances)
{
    public byte[] LightPage { get; init; } = [];
    public byte[] DarkPage { get; init; } = [];
}

/// <summary>
/// Each member's panel, read from the database at most once per <see cref="EmbedOptions.CacheSeconds"/> per server: the product
/// may show the panel on every page view, and credits or clicks that are half a minute old are fine there.
/// </summary>
public sealed class EmbedPanels(EmbedOptions options, TimeProvider clock, IServiceScopeFactory scopes, PublicUrls urls, AssetUrls assets)
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
        // A small PNG (a few hundred bytes) rather than SVG: it rides along in every page served.
        var uri = "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(qr).GetGraphic(4));
        var panel = new EmbedPanel(link, uri, new Funnel(clicks, signups, conversions), balances);
        return panel with
        {
            LightPage = ShowEmbedPanel.PanelPage(assets, dark: false, panel, urls.Base),
            DarkPage = ShowEmbedPanel.PanelPage(assets, dark: true, panel, urls.Base),
        };
    }

    private void Prune(DateTime now)
    {
        foreach (var (id, entry) in _panels)
        {
            if (entry.Until <= now) _panels.TryRemove(id, out _);
        }
    }
}

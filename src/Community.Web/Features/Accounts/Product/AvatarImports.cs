using System.Collections.Concurrent;
using System.Threading.Channels;
using Community.Media;
using Community.Web.Data;
using Community.Web.Features.Media;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Accounts.Product;

/// <summary>
/// Copies a provider's avatar into the media pipeline in the background, so a slow or hostile avatar host never delays a
/// sign-in. Only https URLs to public addresses (checked after DNS by <see cref="Infrastructure.Security.OutboundGuard"/>),
/// at most 5 MB, within 5 s; anything else is refused with a logged reason and the member keeps their current avatar.
/// </summary>
public sealed class AvatarImports(IServiceScopeFactory scopes, IHttpClientFactory http, MediaLibrary media, ILogger<AvatarImports> log)
    : BackgroundService
{
    public const string ClientName = "sso-avatars";
    public const int MaxBytes = 5 * 1024 * 1024;
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly Channel<(string MemberId, string Url)> _queue =
        Channel.CreateBounded<(string, string)>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropWrite });
    // The URL last imported (or being imported) per member: the same avatar at every sign-in is fetched once per server.
    private readonly ConcurrentDictionary<string, string> _done = new(StringComparer.Ordinal);

    /// <summary>Queues the import unless this URL is already the member's avatar source.</summary>
    public void Request(string memberId, string url)
    {
        if (_done.TryGetValue(memberId, out var last) && last == url) return;
        if (!_queue.Writer.TryWrite((memberId, url))) log.AvatarQueueFull(memberId);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (memberId, url) in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await ImportAsync(memberId, url, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                log.AvatarFailed(ex, memberId);
            }
        }
    }

    /// <summary>Fetches, processes and sets the avatar. Returns null when it was set, else the reason it was refused (also logged).</summary>
    public async Task<string?> ImportAsync(string memberId, string url, CancellationToken ct)
    {
        var reason = await FetchAndStoreAsync(memberId, url, ct);
        if (reason is null) _done[memberId] = url;
        else log.AvatarRefused(memberId, HostOf(url), reason);
        return reason;
    }

    private async Task<string?> FetchAndStoreAsync(string memberId, string url, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps) return "not an https URL";
        if (!string.IsNullOrEmpty(uri.UserInfo)) return "credentials in the URL";
        byte[] bytes;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            timeout.CancelAfter(Timeout);
            try
            {
                using var client = http.CreateClient(ClientName);
                using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                if (!response.IsSuccessStatusCode) return $"the host answered {(int)response.StatusCode}";
                if (response.Content.Headers.ContentLength > MaxBytes) return "larger than 5 MB";
                await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
                using var copy = new MemoryStream();
                var buffer = new byte[81920];
                int read;
                while ((read = await body.ReadAsync(buffer, timeout.Token)) > 0)
                {
                    if (copy.Length + read > MaxBytes) return "larger than 5 MB";
                    copy.Write(buffer, 0, read);
                }
                bytes = copy.ToArray();
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return "no answer within 5 s";
            }
            catch (HttpRequestException ex)
            {
                return ex.Message; // OutboundGuard's refusal of private addresses says so
            }
        }
        string avatar;
        try
        {
            avatar = (await media.AddAsync(bytes, ImageKind.Avatar, memberId, ct)).Largest(ImagePipeline.WebPContentType).Url;
        }
        catch (ImageRejectedException ex)
        {
            return "not an acceptable image: " + ex.Message;
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        await using var tx = await db.BeginWriteAsync(ct);
        await db.Users.Where(m => m.Id == memberId).ExecuteUpdateAsync(s => s.SetProperty(m => m.AvatarUrl, avatar), ct);
        await tx.CommitAsync(ct);
        return null;
    }

    private static string HostOf(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Host : "(not a URL)";
}

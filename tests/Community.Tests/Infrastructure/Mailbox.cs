using System.Text.RegularExpressions;

namespace Community.Tests.Infrastructure;

/// <summary>Reads the .eml files the outbox writes when no SMTP server is configured.</summary>
public sealed partial class Mailbox(string folder)
{
    /// <summary>
    /// Waits for a message to <paramref name="recipient"/> whose subject contains <paramref name="subject"/>: checks every 100 ms,
    /// for at most 30 s (a loaded machine).
    /// </summary>
    public async Task<string> WaitForAsync(string recipient, string subject)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (Directory.Exists(folder))
            {
                foreach (var file in Directory.GetFiles(folder, "*.eml").Order(StringComparer.Ordinal).Reverse())
                {
                    var text = await File.ReadAllTextAsync(file);
                    if (text.Contains($"To: {recipient}\r\n", StringComparison.OrdinalIgnoreCase) && text.Contains(subject, StringComparison.OrdinalIgnoreCase)) return text;
                }
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"No mail to {recipient} about '{subject}' arrived in {folder}.");
    }

    public int CountTo(string recipient) => !Directory.Exists(folder) ? 0 :
        Directory.GetFiles(folder, "*.eml").Count(f => File.ReadAllText(f).Contains($"To: {recipient}\r\n", StringComparison.OrdinalIgnoreCase));

    /// <summary>The first link in the mail whose path starts with <paramref name="path"/>.</summary>
    public static Uri LinkIn(string mail, string path)
    {
        foreach (Match m in Link().Matches(mail))
        {
            var uri = new Uri(m.Value);
            if (uri.AbsolutePath == path) return uri;
        }
        throw new InvalidOperationException($"No {path} link in mail:\n{mail}");
    }

    [GeneratedRegex(@"https?://[^\s]+")]
    private static partial Regex Link();
}

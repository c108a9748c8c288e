using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Community.Tests.Notifications;

/// <summary>A message the SMTP server received: envelope, decoded headers, and the decoded parts.</summary>
public sealed record ReceivedMail(string MailFrom, string[] RcptTos, Dictionary<string, string> Headers, string ContentType, string? Text,
    string? Html)
{
    public string Subject => Headers.GetValueOrDefault("Subject") ?? "";
    public string? Header(string name) => Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>
/// A real SMTP server (tests/smtp/smtp_sink.py on Debian's python3-aiosmtpd, which test.sh installs) on a free loopback port.
/// It writes what it receives into <see cref="Folder"/>; the decoded copies there are what the tests' Mailbox reads.
/// </summary>
public sealed class SmtpServer : IDisposable
{
    private readonly Process _process;

    public SmtpServer(string folder)
    {
        Folder = folder;
        Port = FreePort();
        // Debian's interpreter, which python3-aiosmtpd installs into (a python3 earlier on PATH, pyenv say, would not have it).
        var start = new ProcessStartInfo(File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
        };
        start.ArgumentList.Add(Script());
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add(Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add("--folder");
        start.ArgumentList.Add(folder);
        _process = Process.Start(start)!;
        var ready = _process.StandardOutput.ReadLineAsync();
        if (!ready.Wait(TimeSpan.FromSeconds(30)) || ready.Result?.StartsWith("READY", StringComparison.Ordinal) != true)
        {
            var error = _process.WaitForExit(2000) ? _process.StandardError.ReadToEnd() : "(no answer in 30 s)";
            _process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"The SMTP server did not start (is python3-aiosmtpd installed? test.sh installs it): {error}");
        }
    }

    public string Folder { get; }
    public int Port { get; }

    /// <summary>Every message received so far, in arrival order.</summary>
    public IReadOnlyList<ReceivedMail> Received()
    {
        var folder = Path.Combine(Folder, "json");
        if (!Directory.Exists(folder)) return [];
        return [.. Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal)
            .Select(f => JsonSerializer.Deserialize<ReceivedMail>(File.ReadAllText(f), JsonSerializerOptions.Web)!)];
    }

    public IReadOnlyList<ReceivedMail> To(string recipient) =>
        [.. Received().Where(m => m.RcptTos.Contains(recipient, StringComparer.OrdinalIgnoreCase))];

    /// <summary>Waits for a message to <paramref name="recipient"/> whose subject contains <paramref name="subject"/>.</summary>
    public async Task<ReceivedMail> WaitForAsync(string recipient, string subject)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (To(recipient).LastOrDefault(m => m.Subject.Contains(subject, StringComparison.OrdinalIgnoreCase)) is { } mail) return mail;
            await Task.Delay(50);
        }
        throw new TimeoutException($"No mail to {recipient} about '{subject}' reached the SMTP server; it has: "
            + string.Join(" | ", Received().Select(m => $"{string.Join(',', m.RcptTos)}: {m.Subject}")));
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close(); // the server stops when its input closes
            if (!_process.WaitForExit(5000)) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { /* already gone */ }
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Script()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "smtp", "smtp_sink.py");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("tests/smtp/smtp_sink.py not found above " + AppContext.BaseDirectory);
    }
}

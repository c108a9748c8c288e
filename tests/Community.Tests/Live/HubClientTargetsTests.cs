using System.Reflection;
using System.Text.RegularExpressions;
using Community.Tests.Infrastructure;

namespace Community.Tests.Live;

/// <summary>
/// The official SignalR client drops a call whose target has no handler, so <see cref="HubClient"/> registers a fixed list.
/// This reads every send in src/ (<c>bus.PublishAsync(group, target, ...)</c>, <c>Clients....SendAsync(target, ...)</c>) and
/// fails when the server sends a target the list lacks: a live test would otherwise wait in vain, or a "never arrives"
/// assertion would pass for the wrong reason.
/// </summary>
public sealed partial class HubClientTargetsTests
{
    // The live bus implementations forward whatever target they are given: the sends that name one are found elsewhere.
    private static readonly string[] PassThrough = ["InProcessLiveBus.cs", "PostgresLiveBus.cs", "RedisLiveBus.cs"];

    [Fact]
    public void Every_target_the_server_sends_is_one_the_test_client_records()
    {
        var sends = ServerSends().ToList();
        Assert.Contains(sends, s => s.Target == "postCreated"); // the scan itself still finds what it should
        Assert.Contains(sends, s => s.Target == "referralCredit");
        var unresolved = sends.Where(s => s.Target is null && !PassThrough.Contains(Path.GetFileName(s.Where.Split(':')[0]))).ToList();
        Assert.True(unresolved.Count == 0,
            "a send whose target is neither a literal nor a constant: " + string.Join(", ", unresolved.Select(s => s.Where)));
        var missing = sends.Where(s => s.Target is not null && !HubClient.Targets.Contains(s.Target)).ToList();
        Assert.True(missing.Count == 0, "HubClient does not record " + string.Join(", ", missing.Select(s => $"'{s.Target}' ({s.Where})")));
    }

    private static IEnumerable<(string? Target, string Where)> ServerSends()
    {
        var src = Path.Combine(RepositoryRoot(), "src");
        foreach (var file in Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)) continue;
            var text = File.ReadAllText(file);
            foreach (Match call in SendCall().Matches(text))
            {
                var args = Arguments(text, call.Index + call.Length);
                var where = $"{Path.GetRelativePath(src, file)}:{text[..call.Index].Count(c => c == '\n') + 1}";
                if (call.Groups["publish"].Success)
                {
                    if (args.Count < 2 || args[0] == "LiveGroups.Servers") continue; // a signal between servers, not to browsers
                    yield return (Resolve(args[1]), where);
                }
                else if (StatementBefore(text, call.Index).Contains("Clients", StringComparison.Ordinal) && args.Count > 0)
                {
                    yield return (Resolve(args[0]), where);
                }
            }
        }
    }

    /// <summary>A string literal, or a constant named <c>Type.Field</c> anywhere in the web assembly; null for anything else.</summary>
    private static string? Resolve(string expression)
    {
        if (expression.Length >= 2 && expression[0] == '"' && expression[^1] == '"') return expression[1..^1];
        var parts = expression.Split('.');
        if (parts.Length != 2) return null;
        return typeof(Program).Assembly.GetTypes()
            .Where(t => t.Name == parts[0])
            .Select(t => t.GetField(parts[1], BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
            .FirstOrDefault(f => f is { IsLiteral: true } && f.FieldType == typeof(string))?.GetRawConstantValue() as string;
    }

    /// <summary>The top-level, comma-separated arguments of the call whose '(' ends just before <paramref name="start"/>.</summary>
    private static List<string> Arguments(string text, int start)
    {
        List<string> args = [];
        var depth = 0;
        var from = start;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"')
            {
                for (i++; i < text.Length && text[i] != '"'; i++) if (text[i] == '\\') i++;
            }
            else if (c is '(' or '[' or '{') depth++;
            else if (c is ')' or ']' or '}' && depth > 0) depth--;
            else if (c == ')' || (c == ',' && depth == 0))
            {
                args.Add(text[from..i].Trim());
                if (c == ')') break;
                from = i + 1;
            }
        }
        return args;
    }

    private static string StatementBefore(string text, int index)
    {
        var start = text.LastIndexOfAny([';', '{', '}'], index - 1) + 1;
        return text[start..index];
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Community.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException("Community.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"\.(?:(?<publish>PublishAsync)|SendAsync|SendCoreAsync)\(")]
    private static partial Regex SendCall();
}

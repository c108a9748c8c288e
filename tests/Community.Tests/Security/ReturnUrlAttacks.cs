namespace Community.Tests.Security;

/// <summary>The return-URL table shared by the server tests and the Chromium tests (linked into Community.BrowserTests).</summary>
public static class ReturnUrlAttacks
{
    /// <summary>Query-string values as an attacker would put them in a link (the server decodes them once).</summary>
    public static readonly string[] Offsite =
    [
        "/%09/evil.example/",
        "/%0a/evil.example/",
        "/%0d/evil.example/",
        "/%09%09/evil.example/",
        "/%0d%0a/evil.example/",
        "/%09/%09/evil.example/",
        "//evil.example/",
        "///evil.example/",
        "/%5cevil.example/",
        "/%5c/evil.example/",
        "%5c%5cevil.example",
        "%2f%2fevil.example",
        "/%2fevil.example",
        "/%252fevil.example",
        "/%2509/evil.example/",
        "%09//evil.example",
        "%20//evil.example",
        "//%09evil.example",
        "/%00/evil.example",
        "/%7f/evil.example",
        "/%c2%85/evil.example",
        "https://evil.example/",
        "http:evil.example",
        "HTTPS:%2f%2fevil.example",
        "javascript:alert(1)",
        "data:text/html,hi",
        "evil.example",
        "/100%zz",
        "",
    ];

    public static readonly string[] Local = ["/", "/forums", "/t/12/how-to-export?after=3#post-4", "/refer", "/settings", "/c/general%20talk"];
}

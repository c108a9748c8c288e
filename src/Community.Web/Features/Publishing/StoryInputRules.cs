using System.Text.RegularExpressions;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Features.Media;
using Community.Web.Infrastructure.Problems;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Publishing;

/// <summary>What the editor accepts: field rules, images that exist, members that exist, Markdown that renders, free slugs.</summary>
internal static partial class StoryEditorEndpoints
{
    private static async Task<FieldErrors> ValidateAsync(
        StoryInput input, UserManager<Member> users, StoryMarkdown markdown, MediaLibrary media, CancellationToken ct)
    {
        await media.EnsureLoadedAsync(ct);
        var errors = new FieldErrors();
        if (!StoryKinds.IsValid(input.Kind)) errors.Add("kind", "Choose spotlight or case-study.");
        errors.Text("title", input.Title, 1, StoryRules.TitleMax, "Title");
        errors.Text("customer", input.Customer, 1, StoryRules.CustomerMax, "Customer");
        errors.Text("summary", input.Summary, 0, StoryRules.SummaryMax, "Summary");
        if ((input.Body?.Length ?? 0) > StoryRules.BodyMax) errors.Add("body", $"Story text must be at most {StoryRules.BodyMax} characters.");
        if (!string.IsNullOrWhiteSpace(input.Slug) && !Slugs.IsValid(input.Slug.Trim()))
            errors.Add("slug", "Use lowercase letters, digits and single hyphens (e.g. northwind-cuts-churn).");
        errors.Text("personName", input.PersonName, 0, StoryRules.ShortMax, "Person");
        errors.Text("personRole", input.PersonRole, 0, StoryRules.ShortMax, "Role");
        errors.Text("quote", input.Quote, 0, StoryRules.QuoteMax, "Quote");
        errors.Text("challenge", input.Challenge, 0, StoryRules.SectionMax, "Challenge");
        errors.Text("solution", input.Solution, 0, StoryRules.SectionMax, "Solution");
        errors.Text("results", input.Results, 0, StoryRules.SectionMax, "Results");
        errors.Text("industry", input.Industry, 0, 60, "Industry");
        errors.Text("companySize", input.CompanySize, 0, 30, "Company size");
        errors.Text("productArea", input.ProductArea, 0, 60, "Product area");
        errors.Text("heroAlt", input.HeroAlt, 0, 300, "Image description");
        errors.Text("ctaLabel", input.CtaLabel, 0, 80, "Call to action label");
        var metrics = (input.Metrics ?? []).Where(m => !string.IsNullOrWhiteSpace(m.Value) || !string.IsNullOrWhiteSpace(m.Label)).ToList();
        if (metrics.Count > 4) errors.Add("metrics", "Use at most 4 key metrics.");
        if (metrics.Any(m => string.IsNullOrWhiteSpace(m.Value) || string.IsNullOrWhiteSpace(m.Label) || m.Value.Length > 20 || m.Label.Length > 60))
            errors.Add("metrics", "Each metric needs a value (up to 20 characters, e.g. 42%) and a label (up to 60).");
        if (!string.IsNullOrWhiteSpace(input.CtaUrl) && (input.CtaUrl.Length > StoryRules.UrlMax || !StoryMarkdown.IsSafeLink(input.CtaUrl)))
            errors.Add("ctaUrl", "Use an https:// address or a path on this site.");
        if (!string.IsNullOrWhiteSpace(input.CtaUrl) && string.IsNullOrWhiteSpace(input.CtaLabel))
            errors.Add("ctaLabel", "Give the call to action a label.");
        if (!string.IsNullOrWhiteSpace(input.HeroImage) && media.Find(input.HeroImage.Trim()) is null)
            errors.Add("heroImage", "Upload the hero image first.");
        if (!string.IsNullOrWhiteSpace(input.LogoImage) && media.Find(input.LogoImage.Trim()) is null)
            errors.Add("logoImage", "Upload the logo first.");
        if (!string.IsNullOrWhiteSpace(input.CreditReferralCode) && !ReferralCodeShape().IsMatch(input.CreditReferralCode.Trim()))
            errors.Add("creditReferralCode", "Use up to 64 letters, digits, _ or -.");
        if (!string.IsNullOrWhiteSpace(input.FeaturedMember) && await users.FindByNameAsync(input.FeaturedMember.Trim().ToLowerInvariant()) is null)
            errors.Add("featuredMember", "No member has that username.");
        if (errors.Any) return errors;
        try
        {
            markdown.ToHtml(input.Body);
            markdown.ToHtml(input.Challenge);
            markdown.ToHtml(input.Solution);
            markdown.ToHtml(input.Results);
        }
        catch (StoryMarkdownException e)
        {
            errors.Add("body", e.Message);
        }
        return errors;
    }

    private static async Task<bool> SlugTakenAsync(CommunityDb db, ContentFiles files, string slug, int? exceptId, CancellationToken ct)
    {
        if (await db.Set<Story>().AnyAsync(s => s.Slug == slug && s.Id != exceptId, ct)) return true;
        if (await db.Set<StorySlugRedirect>().AnyAsync(r => r.OldSlug == slug && r.StoryId != exceptId, ct)) return true;
        var (stories, _) = await files.LoadAsync(ct);
        return stories.Any(s => s.Slug == slug || s.RedirectFrom.Contains(slug));
    }

    private static async Task<string> SuggestAsync(CommunityDb db, ContentFiles files, string slug, int? exceptId, CancellationToken ct)
    {
        var stem = TrailingNumber().Replace(slug, "");
        for (var n = 2; ; n++)
        {
            var candidate = $"{stem}-{n}";
            if (!await SlugTakenAsync(db, files, candidate, exceptId, ct)) return candidate;
        }
    }

    private static ProblemHttpResult SlugConflict(string slug, string suggestion) => Problems.Conflict(
        $"The slug '{slug}' is already used. Try '{suggestion}'.",
        new Dictionary<string, object?>
        {
            ["errors"] = new Dictionary<string, string[]> { ["slug"] = [$"'{slug}' is already used. Try '{suggestion}'."] },
            ["suggestion"] = suggestion,
        });

    // A counter a suggestion added ("-2", "-12"), not a number that is part of the name ("acme-2024", "launch-69454353").
    [GeneratedRegex(@"-\d{1,3}\z")]
    private static partial Regex TrailingNumber();

    [GeneratedRegex(@"\A[A-Za-z0-9_-]{1,64}\z")]
    private static partial Regex ReferralCodeShape();
}

using Community.Web.Features.Media;
using Community.Web.Infrastructure.Problems;

namespace Community.Web.Features.Publishing;

/// <summary>The editor's live preview: the article exactly as it will render, within the same size limits as a save.</summary>
internal static class StoryPreview
{
    private static Results<Ok<PreviewResponse>, ValidationProblem, ProblemHttpResult> PreviewResult(StoryInput input, StoryRenderer renderer)
    {
        var view = new StoryView
        {
            Kind = StoryKinds.IsValid(input.Kind) ? input.Kind! : StoryKinds.Spotlight,
            Slug = "preview",
            Title = input.Title ?? "",
            Summary = input.Summary ?? "",
            Customer = input.Customer ?? "",
            Body = input.Body ?? "",
            PersonName = input.PersonName, PersonRole = input.PersonRole, Quote = input.Quote,
            Challenge = input.Challenge, Solution = input.Solution, Results = input.Results,
            Metrics = (input.Metrics ?? []).Where(m => !string.IsNullOrWhiteSpace(m.Value) && !string.IsNullOrWhiteSpace(m.Label)).ToList(),
            CtaLabel = input.CtaLabel, CtaUrl = input.CtaUrl, HeroImage = input.HeroImage, HeroAlt = input.HeroAlt, LogoImage = input.LogoImage,
            Industry = input.Industry, CompanySize = input.CompanySize, ProductArea = input.ProductArea,
            FeaturedMember = input.FeaturedMember, CreditReferralCode = input.CreditReferralCode,
        };
        try
        {
            return TypedResults.Ok(new PreviewResponse(renderer.Article(view)));
        }
        catch (StoryMarkdownException e)
        {
            return new FieldErrors().Add("body", e.Message).ToProblem();
        }
    }

    public static async Task<Results<Ok<PreviewResponse>, ValidationProblem, ProblemHttpResult>> HandleAsync(StoryInput input, StoryRenderer renderer,
        MediaLibrary media, CancellationToken ct)
    {
        // Like posts: text over the limit is a 413 naming the field, before any of it is parsed.
        var tooLarge = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Limit(string field, string? text, int max, string label)
        {
            if ((text?.Length ?? 0) > max) tooLarge[field] = [$"{label} must be at most {max} characters."];
        }
        Limit("body", input.Body, StoryRules.BodyMax, "Story text");
        Limit("challenge", input.Challenge, StoryRules.SectionMax, "Challenge");
        Limit("solution", input.Solution, StoryRules.SectionMax, "Solution");
        Limit("results", input.Results, StoryRules.SectionMax, "Results");
        if (tooLarge.Count > 0)
        {
            return TypedResults.Problem(tooLarge.First().Value[0], statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large",
                extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["errors"] = tooLarge });
        }
        await media.EnsureLoadedAsync(ct);
        return PreviewResult(input, renderer);
    }
}

using System.Security.Cryptography;
using Community.Web.Data;
using Community.Web.Features.Demo;

namespace Community.Web.Features.Publishing;

/// <summary>A draft spotlight in the marketer's editor, featuring a demo member; the published examples ship as content files.</summary>
internal sealed class PublishingDemoContent(CommunityDb db, TimeProvider clock) : IDemoContent
{
    public int Order => 30;

    public async Task SeedAsync(DemoMembers members, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var marketer = members["marketer"];
        var ana = members["ana"];
        var story = new Story
        {
            Kind = StoryKinds.Spotlight,
            Slug = "ana-lima-automates-northwind-ops",
            Title = "How Ana Lima took Northwind's ops team from spreadsheets to self-serve",
            Summary = "Northwind's ops lead on replacing 40 weekly spreadsheets with automations her team actually trusts.",
            Customer = "Northwind Traders",
            PersonName = ana.DisplayName,
            PersonRole = "Operations lead",
            Quote = "The community answered in an hour what our vendor ticket took a week to close.",
            Body = """
                Ana joined the community in spring with one question: *can we stop copying order data by hand?*

                ## Where they started

                - 40 spreadsheets updated every Monday
                - Two people spending a day a week reconciling them

                :::tip
                Ana's first automation was the smallest one: a nightly export. Start where the pain is boring, not where it is big.
                :::

                ## What changed

                She wrote up her webhook setup in the forums and three other teams copied it within a week.
                """,
            Industry = "Retail",
            CompanySize = "201-1000",
            ProductArea = "Automation",
            FeaturedMember = ana.UserName,
            Status = StoryStatus.Draft,
            CreatedAt = now,
            UpdatedAt = now,
            AuthorId = marketer.Id,
            PreviewToken = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_'),
        };
        db.Add(story);
        await db.SaveChangesAsync(ct);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Features.Media;

/// <summary>What an image is for; stored in <see cref="MediaImage.Kind"/>.</summary>
public static class MediaImageKinds
{
    public const string Story = "story";
    public const string Avatar = "avatar";
}

/// <summary>An uploaded image, processed once: enough to render &lt;picture&gt; without touching the disk.</summary>
public sealed class MediaImage
{
    public int Id { get; set; }
    /// <summary>SHA-256 of the uploaded bytes; the same upload twice is one record.</summary>
    public string SourceHash { get; set; } = "";
    public string Kind { get; set; } = MediaImageKinds.Story;
    public int Width { get; set; }
    public int Height { get; set; }
    public string Placeholder { get; set; } = "";
    /// <summary>JSON array of { name, width, height, contentType }.</summary>
    public string RenditionsJson { get; set; } = "[]";
    public DateTime CreatedAt { get; set; }
    public string? UploadedById { get; set; }
}

internal sealed class MediaImageConfiguration : IEntityTypeConfiguration<MediaImage>
{
    public void Configure(EntityTypeBuilder<MediaImage> b)
    {
        b.ToTable("MediaImages");
        b.Property(m => m.SourceHash).HasMaxLength(64).IsRequired();
        b.Property(m => m.Kind).HasMaxLength(16).IsRequired();
        b.Property(m => m.Placeholder).IsRequired();
        b.Property(m => m.RenditionsJson).IsRequired();
        b.Property(m => m.UploadedById).HasMaxLength(450);
        b.HasIndex(m => new { m.SourceHash, m.Kind }).IsUnique();
    }
}

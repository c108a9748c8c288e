using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Community.Media;

/// <summary>
/// Content-addressed files on disk: a file is named by the SHA-256 of its bytes, so saving the
/// same rendition twice is free and a name can never point at different content.
/// Layout: <c>{root}/{first two hex digits}/{sha256}{extension}</c>.
/// </summary>
public sealed partial class MediaStore
{
    private static readonly HashSet<string> Extensions = new(StringComparer.Ordinal) { ".webp", ".jpg", ".png", ".gif" };

    public MediaStore(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    /// <summary>Stores the bytes unless they are already stored; safe to call concurrently.</summary>
    /// <param name="extension">One of .webp, .jpg, .png, .gif (the dot is optional).</param>
    public StoredFile Save(byte[] bytes, string extension)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(extension);
        var ext = extension.StartsWith('.') ? extension : "." + extension;
        if (!Extensions.Contains(ext))
        {
            throw new ArgumentException($"Unsupported extension '{extension}'.", nameof(extension));
        }

        var name = Convert.ToHexStringLower(SHA256.HashData(bytes)) + ext;
        var path = PathOf(name);
        if (File.Exists(path))
        {
            return new StoredFile(name, bytes.LongLength, Created: false);
        }

        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);

        // Readers must never see a half-written file: write beside it, flush, then rename into place.
        var temp = Path.Combine(directory, $".{name}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            try
            {
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another writer stored the same bytes first; its file is identical to ours.
                return new StoredFile(name, bytes.LongLength, Created: false);
            }

            return new StoredFile(name, bytes.LongLength, Created: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Opens a stored file for reading.</summary>
    /// <exception cref="ArgumentException">The name is not a content address (e.g. a path).</exception>
    /// <exception cref="FileNotFoundException">Nothing is stored under that name.</exception>
    public Stream Open(string name)
    {
        if (!IsValidName(name))
        {
            throw new ArgumentException("Not a media file name.", nameof(name));
        }

        try
        {
            return new FileStream(
                PathOf(name), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new FileNotFoundException("No media file of that name.", name, e);
        }
    }

    public bool Exists(string name) => IsValidName(name) && File.Exists(PathOf(name));

    /// <summary>True only for a lowercase SHA-256 hex digest followed by a known extension.</summary>
    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    private string PathOf(string name) => Path.Combine(Root, name[..2], name);

    [GeneratedRegex(@"\A[0-9a-f]{64}\.(webp|jpg|png|gif)\z", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}

/// <summary>A file in the <see cref="MediaStore"/>.</summary>
/// <param name="Name">The content address, e.g. <c>3f2a….webp</c>; the only thing to keep in the database.</param>
/// <param name="Created">False when the same bytes were already stored.</param>
public sealed record StoredFile(string Name, long Length, bool Created);

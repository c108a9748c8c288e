using System.Globalization;
using System.Text;

namespace Community.Web.Infrastructure;

/// <summary>CSV rows for admin exports that spreadsheets open safely.</summary>
public static class Csv
{
    /// <summary>
    /// Appends one RFC 4180 row. A text cell that starts with = + - @ (or a tab or carriage return) gets a leading apostrophe so that
    /// a spreadsheet shows it instead of running it as a formula (CSV injection): names, emails and product attributes come from
    /// members and from the product, not from the admin.
    /// </summary>
    public static void AppendRow(StringBuilder sb, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0) sb.Append(',');
            var text = values[i] switch
            {
                null => "",
                DateTime d => d.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                DateTimeOffset d => d.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                bool b => b ? "true" : "false",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                var v => v.ToString() ?? "",
            };
            if (text.Length > 0 && values[i] is string && "=+-@\t\r".Contains(text[0], StringComparison.Ordinal)) text = "'" + text;
            if (text.AsSpan().IndexOfAny("\",\n\r") >= 0) text = "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            sb.Append(text);
        }
        sb.Append("\r\n");
    }
}

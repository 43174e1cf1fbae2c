using System.Text;

namespace Softoken.Configuration;

/// <summary>Parses NSS's module parameter syntax: space-separated <c>name=value</c> pairs whose values are bare
/// words or are quoted with <c>'</c>, <c>"</c>, <c>{}</c>, <c>[]</c> or <c>()</c>, with backslash escapes
/// (the same syntax softokn reads from CK_C_INITIALIZE_ARGS.pReserved).</summary>
internal static class ParameterString
{
    public static Dictionary<string, string> Parse(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        int i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i >= text.Length) break;
            int nameStart = i;
            while (i < text.Length && text[i] != '=' && !char.IsWhiteSpace(text[i])) i++;
            string name = text[nameStart..i];
            string value = "";
            if (i < text.Length && text[i] == '=')
            {
                i++;
                value = ReadValue(text, ref i);
            }
            if (name.Length > 0) result[name] = value;
        }
        return result;
    }

    private static string ReadValue(string text, ref int i)
    {
        if (i >= text.Length) return "";
        char open = text[i];
        char close = open switch { '\'' => '\'', '"' => '"', '{' => '}', '[' => ']', '(' => ')', '<' => '>', _ => '\0' };
        var sb = new StringBuilder();
        if (close == '\0')
        {
            while (i < text.Length && !char.IsWhiteSpace(text[i])) sb.Append(text[i++]);
            return sb.ToString();
        }
        i++;
        while (i < text.Length && text[i] != close)
        {
            if (text[i] == '\\' && i + 1 < text.Length) i++;
            sb.Append(text[i++]);
        }
        if (i < text.Length) i++;
        return sb.ToString();
    }
}

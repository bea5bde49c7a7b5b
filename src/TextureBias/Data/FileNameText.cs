namespace TextureBias.Data;

/// <summary>Names (models, distortions, conditions) used as parts of file names: letters, digits, '.', '-' and '_' only.</summary>
public static class FileNameText
{
    /// <summary>Whether every character of <paramref name="name"/> is a letter, digit, '.', '-' or '_' (and it is not empty, "." or "..").</summary>
    public static bool IsPlain(string name) =>
        name.Length > 0 && name.All(Plain) && name != "." && name != "..";

    /// <summary><paramref name="name"/> with every other character written as '-'.</summary>
    public static string Of(string name) => new(name.Select(c => Plain(c) ? c : '-').ToArray());

    static bool Plain(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_';
}

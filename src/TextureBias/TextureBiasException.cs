namespace TextureBias;

/// <summary>
/// An error caused by the user's input (a file, an option, a weight file), with a one-line
/// message that names the input and the cause. Front ends print <see cref="Exception.Message"/>
/// and no stack trace.
/// </summary>
public class TextureBiasException : Exception
{
    /// <summary>Creates the error with a one-line message.</summary>
    public TextureBiasException(string message, Exception? inner = null) : base(message, inner) { }
}

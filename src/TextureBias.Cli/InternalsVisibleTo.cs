using System.Runtime.CompilerServices;

// The tests check the command tree itself (every command's mistakes, every output option declared).
[assembly: InternalsVisibleTo("TextureBias.Tests")]

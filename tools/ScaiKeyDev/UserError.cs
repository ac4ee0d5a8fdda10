namespace ScaiKeyDev;

/// <summary>
/// Something the user can fix (a bad argument, no key yet). The CLI prints only the message and exits
/// with <see cref="Cli.UserErrorExitCode"/>; anything else is a bug and keeps its stack trace.
/// </summary>
public sealed class UserError(string message) : Exception(message);

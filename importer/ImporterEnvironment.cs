using System.Text;

namespace MonitorGrid.Importer;

/// <summary>
/// Ctrl+C as the importer sees it. The console raises it on every Ctrl+C; a test raises it whenever it wants.
/// </summary>
public sealed class InterruptSource
{
    private readonly Lock _gate = new();
    private Action? _handlers;

    /// <summary>Runs <paramref name="handler"/> on every interrupt until the returned registration is disposed.</summary>
    public IDisposable Subscribe(Action handler)
    {
        lock (_gate)
        {
            _handlers += handler;
        }

        return new Subscription(this, handler);
    }

    /// <summary>Interrupts; false when nobody listens, so that the console can let Ctrl+C end the process.</summary>
    public bool Interrupt()
    {
        Action? handlers;
        lock (_gate)
        {
            handlers = _handlers;
        }

        handlers?.Invoke();
        return handlers is not null;
    }

    private void Unsubscribe(Action handler)
    {
        lock (_gate)
        {
            _handlers -= handler;
        }
    }

    private sealed class Subscription(InterruptSource source, Action handler) : IDisposable
    {
        public void Dispose() => source.Unsubscribe(handler);
    }
}

/// <summary>
/// Everything the importer takes from its surroundings, so that tests can run it in process: where it writes,
/// how it reaches the network, whether stderr is a terminal, where a password comes from, and Ctrl+C.
/// </summary>
public sealed class ImporterEnvironment
{
    /// <summary>The summary and <c>--help</c>.</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Progress and messages.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Whether <see cref="Error"/> is a terminal: a progress bar redrawn in place, else a plain line every 2 s.</summary>
    public bool ErrorIsInteractive { get; init; }

    /// <summary>Makes the handler of the HTTP client (not of the hub's WebSocket); null for a plain <see cref="SocketsHttpHandler"/>.</summary>
    public Func<HttpMessageHandler>? CreateHttpHandler { get; init; }

    /// <summary>Reads an environment variable (<see cref="ImportArguments.PasswordVariable"/>).</summary>
    public Func<string, string?> GetVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>Asks for the password without echo; null when nobody can answer (input is not a terminal).</summary>
    public Func<string?>? PromptPassword { get; init; }

    /// <summary>Ctrl+C: once cancels the import, twice stops waiting for the server.</summary>
    public InterruptSource Interrupts { get; init; } = new();

    /// <summary>Sees every state of the job the importer accepts, in order (tests cancel on it).</summary>
    public Action<ImportJob>? OnJobUpdate { get; init; }

    /// <summary>The process's console: stdout, stderr, Ctrl+C and a hidden password prompt on the terminal.</summary>
    public static ImporterEnvironment ForConsole()
    {
        var interrupts = new InterruptSource();

        // Handled Ctrl+C keeps the process alive for the importer to cancel on the server; unhandled (before the
        // import starts, e.g. at the password prompt) it ends the process as usual.
        Console.CancelKeyPress += (_, e) => e.Cancel = interrupts.Interrupt();

        // The summary and progress are Chinese: a Windows console on a legacy code page would show question marks.
        Console.OutputEncoding = Encoding.UTF8;
        return new ImporterEnvironment
        {
            Out = Console.Out,
            Error = Console.Error,
            ErrorIsInteractive = !Console.IsErrorRedirected,
            PromptPassword = Console.IsInputRedirected ? null : ReadHiddenPassword,
            Interrupts = interrupts,
        };
    }

    private static string? ReadHiddenPassword()
    {
        Console.Error.Write("密码 (password): ");
        var password = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (password.Length > 0)
                {
                    password.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                password.Append(key.KeyChar);
            }
        }

        Console.Error.WriteLine();
        return password.ToString();
    }
}

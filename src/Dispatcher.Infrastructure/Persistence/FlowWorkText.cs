using Dispatcher.Application.Ports;

namespace Dispatcher.Infrastructure.Persistence;

/// <summary>How both stores write flow work: kinds as words, errors cut to a bounded length.</summary>
internal static class FlowWorkText
{
    /// <summary>Longer errors are cut to this many characters.</summary>
    public const int MaxErrorLength = 1000;

    /// <summary>The stored word for <paramref name="kind"/>.</summary>
    public static string Of(FlowWorkKind kind) => kind switch
    {
        FlowWorkKind.Start => "start",
        FlowWorkKind.Stop => "stop",
        FlowWorkKind.Remove => "remove",
        FlowWorkKind.DeclareDestination => "declare-destination",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static FlowWorkKind ParseKind(string text) => text switch
    {
        "start" => FlowWorkKind.Start,
        "stop" => FlowWorkKind.Stop,
        "remove" => FlowWorkKind.Remove,
        "declare-destination" => FlowWorkKind.DeclareDestination,
        _ => throw new InvalidDataException($"Unknown flow work kind '{text}'."),
    };

    /// <summary><paramref name="error"/> cut to <see cref="MaxErrorLength"/> characters, without splitting a surrogate pair.</summary>
    public static string? Truncate(string? error) =>
        error is null || error.Length <= MaxErrorLength ? error
        : error[..(char.IsHighSurrogate(error[MaxErrorLength - 1]) ? MaxErrorLength - 1 : MaxErrorLength)];
}

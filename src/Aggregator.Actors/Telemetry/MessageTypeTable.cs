using System.Collections.Concurrent;

namespace Aggregator.Actors.Telemetry;

/// <summary>
/// The <c>message_type</c> values one actor type may use on this node: the first <c>max-message-types</c> classes seen
/// (or allowed) keep their own value, later ones get none. Shared by the workers of the actor type, which each cache
/// the answer per class, so this is asked once per class and worker.
/// </summary>
internal sealed class MessageTypeTable
{
    private readonly ConcurrentDictionary<Type, string> _admitted = new();
    private readonly Lock _admitting = new();
    private readonly int _max;
    private readonly MessageTypeMode _mode;
    private readonly IReadOnlySet<string> _allowed;

    // Written under the lock; read without it so that classes past a full table do not wait for it.
    private int _count;

    public MessageTypeTable(int max, MessageTypeMode mode, IReadOnlySet<string> allowed)
    {
        _max = max;
        _mode = mode;
        _allowed = allowed;
    }

    /// <summary>Distinct classes holding a value of their own.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The class's value; <see cref="TelemetryFamilies.Other"/> with <paramref name="overflowed"/> false when
    /// the allowlist leaves it out, or with <paramref name="overflowed"/> true when the bound was reached.</summary>
    public string Label(Type type, out bool overflowed)
    {
        overflowed = false;
        if (_mode == MessageTypeMode.Off)
        {
            return string.Empty;
        }

        if (_admitted.TryGetValue(type, out var label))
        {
            return label;
        }

        // A full table first: a class it would refuse anyway is not named (a generic's name allocates).
        if (Volatile.Read(ref _count) >= _max)
        {
            overflowed = _mode != MessageTypeMode.Allowlist || _allowed.Contains(Name(type));
            return TelemetryFamilies.Other;
        }

        var name = Name(type);
        if (_mode == MessageTypeMode.Allowlist && !_allowed.Contains(name))
        {
            return TelemetryFamilies.Other;
        }

        // A lock, so that racing workers of the actor type cannot admit more classes than the bound between them.
        lock (_admitting)
        {
            if (_admitted.TryGetValue(type, out label))
            {
                return label;
            }

            if (_count >= _max)
            {
                overflowed = true;
                return TelemetryFamilies.Other;
            }

            _admitted[type] = name;
            Volatile.Write(ref _count, _count + 1);
            return name;
        }
    }

    /// <summary>A class's label value: its name, with a generic's arguments (<c>Envelope&lt;Order&gt;</c>).</summary>
    public static string Name(Type type)
    {
        if (!type.IsGenericType)
        {
            return type.Name;
        }

        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return $"{(tick < 0 ? name : name[..tick])}<{string.Join(",", type.GetGenericArguments().Select(Name))}>";
    }
}

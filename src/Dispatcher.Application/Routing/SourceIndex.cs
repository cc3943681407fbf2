namespace Dispatcher.Application.Routing;

/// <summary>
/// Source flow → (configuration, source ordinal): an open-addressing hash table of 16-byte slots (tag and owner side
/// by side, so one cache line answers a probe) and no object per entry (a <c>ConcurrentDictionary</c> node costs ~64
/// bytes and a dependent load more).
/// <para>
/// Writers are serialised by the caller. Readers take no lock: a slot's tag (hash and ordinal in one 64-bit word) is
/// written after its owner, so a reader that sees a tag sees an owner; every candidate is verified against the
/// owner's immutable source list, so a reader that meets a slot being rewritten (new tag, old owner) gets a
/// mismatch, never a wrong answer, and is told to retry under the writers' lock (<see cref="Lookup.Retry"/>).
/// Growing builds new arrays and publishes them at once; the old ones are never written again.
/// </para>
/// </summary>
internal sealed class SourceIndex
{
    private const long Empty = 0;
    private const long Deleted = 1; // high half 0: never a live tag, whose high half is a non-zero hash
    private const int MinCapacity = 16;

    private Slot[] _slots = new Slot[MinCapacity];
    private int _count;
    private int _deleted;

    /// <summary>The outcome of a lock-free lookup.</summary>
    public enum Lookup
    {
        /// <summary>The key is not in the table.</summary>
        Missing,

        Found,

        /// <summary>A concurrent write was seen; look again under the writers' lock.</summary>
        Retry,
    }

    public int Count => _count;

    /// <summary>Finds <paramref name="key"/>. Lock-free; see the type's remarks for <see cref="Lookup.Retry"/>.</summary>
    public Lookup TryFind(in FlowKey key, out ConfigurationRoutes? owner, out int ordinal)
    {
        var slots = Volatile.Read(ref _slots);
        var mask = slots.Length - 1;
        var wanted = LiveHash(key.Hash);
        var raced = false;
        for (int i = (int)wanted & mask, probes = 0; probes <= mask; i = (i + 1) & mask, probes++)
        {
            var tag = Volatile.Read(ref slots[i].Tag);
            if (tag == Empty)
            {
                break;
            }

            if ((uint)(tag >>> 32) != wanted)
            {
                continue;
            }

            var candidate = Volatile.Read(ref slots[i].Owner);
            if (candidate is not null && candidate.SourceIs((int)tag, key))
            {
                owner = candidate;
                ordinal = (int)tag;
                return Lookup.Found;
            }

            // Same hash, different flow: a true collision, or a slot caught mid-rewrite. Only a retry can tell.
            raced = true;
        }

        owner = null;
        ordinal = -1;
        return raced ? Lookup.Retry : Lookup.Missing;
    }

    /// <summary>Points <paramref name="key"/> at source <paramref name="ordinal"/> of <paramref name="owner"/> (writers only).</summary>
    public void Set(in FlowKey key, ConfigurationRoutes owner, int ordinal)
    {
        if ((_count + _deleted + 1) * 4L > _slots.Length * 3L)
        {
            Resize(_count + 1);
        }

        var slots = _slots;
        var hash = LiveHash(key.Hash);
        var tag = ((long)hash << 32) | (uint)ordinal;
        var index = Find(slots, key);
        if (index >= 0)
        {
            // Rewrite in place: owner first; a reader pairing the new owner with the old tag (or the reverse) fails
            // verification and retries under the lock.
            Volatile.Write(ref slots[index].Owner, owner);
            Volatile.Write(ref slots[index].Tag, tag);
            return;
        }

        var mask = slots.Length - 1;
        var i = (int)hash & mask;
        while (IsLive(slots[i].Tag))
        {
            i = (i + 1) & mask;
        }

        if (slots[i].Tag == Deleted)
        {
            _deleted--;
        }

        Volatile.Write(ref slots[i].Owner, owner);
        Volatile.Write(ref slots[i].Tag, tag);
        _count++;
    }

    /// <summary>Removes <paramref name="key"/> if it still points into <paramref name="owner"/> (writers only).</summary>
    public void RemoveIfOwnedBy(in FlowKey key, ConfigurationRoutes owner)
    {
        var slots = _slots;
        var index = Find(slots, key);
        if (index < 0 || !ReferenceEquals(slots[index].Owner, owner))
        {
            return;
        }

        Volatile.Write(ref slots[index].Tag, Deleted);
        Volatile.Write(ref slots[index].Owner, null);
        _count--;
        _deleted++;
    }

    // The tag's high half is the hash, made non-zero so that a live tag is never Empty or Deleted.
    private static uint LiveHash(uint hash) => hash == 0 ? 1 : hash;

    private static bool IsLive(long tag) => (tag >>> 32) != 0;

    // Writers' lookup: slots are stable while the caller holds the lock.
    private static int Find(Slot[] slots, in FlowKey key)
    {
        var mask = slots.Length - 1;
        var wanted = LiveHash(key.Hash);
        for (int i = (int)wanted & mask, probes = 0; probes <= mask; i = (i + 1) & mask, probes++)
        {
            var tag = slots[i].Tag;
            if (tag == Empty)
            {
                return -1;
            }

            if ((uint)(tag >>> 32) == wanted && slots[i].Owner!.SourceIs((int)tag, key))
            {
                return i;
            }
        }

        return -1;
    }

    // Rehash into arrays sized for a load of at most 1/2 (which also drops the deleted slots), then publish.
    private void Resize(int needed)
    {
        var capacity = MinCapacity;
        while (capacity < needed * 2L)
        {
            capacity *= 2;
        }

        var old = _slots;
        var fresh = new Slot[capacity];
        var mask = capacity - 1;
        for (var j = 0; j < old.Length; j++)
        {
            var tag = old[j].Tag;
            if (!IsLive(tag))
            {
                continue;
            }

            var i = (int)(uint)(tag >>> 32) & mask;
            while (fresh[i].Tag != Empty)
            {
                i = (i + 1) & mask;
            }

            fresh[i] = old[j];
        }

        _deleted = 0;
        Volatile.Write(ref _slots, fresh);
    }

    // Fields, not properties: readers and writers use Volatile on them by reference.
    private struct Slot
    {
        public long Tag;
        public ConfigurationRoutes? Owner;
    }
}

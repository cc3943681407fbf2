namespace Dispatcher.Domain.Common;

/// <summary>Base for aggregates: collects the domain events raised by real state changes.</summary>
public abstract class AggregateRoot
{
    private readonly List<IDomainEvent> _domainEvents = [];

    /// <summary>Events raised since the aggregate was loaded or the events were last cleared.</summary>
    public IReadOnlyList<IDomainEvent> DomainEvents => _domainEvents;

    /// <summary>Forgets the collected events, typically once they have been handled.</summary>
    public void ClearDomainEvents() => _domainEvents.Clear();

    /// <summary>Records an event; called only when state really changed.</summary>
    protected void Raise(IDomainEvent domainEvent) => _domainEvents.Add(domainEvent);
}

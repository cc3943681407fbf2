namespace Dispatcher.Domain.Common;

/// <summary>Marker for something that happened to an aggregate.</summary>
public interface IDomainEvent;

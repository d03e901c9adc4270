public enum GatehouseTestingPlaceholder {}

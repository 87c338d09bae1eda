"""The pure view-model of the explorer (no Dash): subgraph, drawing, style, details, tables, composition."""

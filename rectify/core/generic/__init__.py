"""The generic machinery per registered model: filtersets, tables, forms, serializers, pages, API,
exports, imports and the write services behind them."""

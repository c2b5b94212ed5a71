"""Statistical methods, one module per family; `dprk_launches.inference` is their public face."""

// Reference figures from reference/solve.py (scipy: sparse direct solves for OLS and ridge, and a
// KKT-certified active-set solve for lasso) on 2021-01 (train) and 2021-02 (validation).
// For contrast, scipy's lsqr with the tolerances scikit-learn's LinearRegression uses (1e-6) stops
// after 27 iterations at train 5.6996 / val 7.7587, the figure the course quotes.
export const REFERENCE = {
  linear: { train_rmse: 4.640696266933439, val_rmse: 7.4808269430457335, val_mae: 4.983790581017213, intercept: 26.423095398379928 },
  'ridge-alpha-0.1': { train_rmse: 4.656447084228787, val_rmse: 7.4587988091431745, val_mae: 4.97010378950726, intercept: 26.265703344120716 },
  'ridge-alpha-1': { train_rmse: 5.195459035574462, val_rmse: 7.564155595430483, val_mae: 5.077788357629353, intercept: 25.261245442561723 },
  'ridge-alpha-10': { train_rmse: 7.513025759621805, val_rmse: 8.773350851037948, val_mae: 6.072303084599764, intercept: 22.424227326878256 },
  'lasso-alpha-0.001': { train_rmse: 8.345443143980875, val_rmse: 9.233397128919034, val_mae: 6.417682103594925, intercept: 22.496492704486048 },
  'lasso-alpha-0.01': { train_rmse: 10.550477907725396, val_rmse: 11.167274717499401, val_mae: 8.218471448544872, intercept: 18.642496034131934 },
  'lasso-alpha-0.1': { train_rmse: 11.496877490772087, val_rmse: 12.14323393969924, val_mae: 9.328861232521483, intercept: 16.937211966554962 },
} as const

/**
 * The core discounts month by month (`clv.discountRate` is a monthly rate, lifetimes'
 * `discount_rate`); analysts think in annual rates. The settings hold the annual rate a and
 * send the equivalent monthly rate (1 + a)^(1/12) − 1, which compounds to the same year.
 */
export const monthlyRate = (annual) => Math.pow(1 + annual, 1 / 12) - 1;
export const annualRate = (monthly) => Math.pow(1 + monthly, 12) - 1;

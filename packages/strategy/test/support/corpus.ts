/**
 * Hand-written strategies in the style an LLM produces (comments, FinLab Chinese keys, `&` / `|`, `===`,
 * numeric separators, redundant parentheses, bare position returns). All compile on TEST_CONTEXT.
 */
export const STRATEGY_CORPUS: readonly string[] = [
  // 1. the design document's example
  `const close = data.get('price:close');            // FinLab keys ('price:收盤價') and English aliases
const volume = data.get('price:volume');
const ma60 = close.average(60);
const momentum = close / close.shift(20) - 1;
const liquid = volume.average(20) > 1_000_000;
const entry = close > ma60 && liquid;
const position = momentum.where(entry).isLargest(10);
return sim(position, { resample: 'M', stopLoss: 0.08, trailStop: 0.1 });`,
  // 2. annual new high
  `// 創新高策略: buy stocks at a one-year high
const close = data.get('price:收盤價');
const newHigh = close == close.rolling(250).max();
return sim(newHigh, { resample: 'M' });`,
  // 3. momentum + ROE filter
  `const close = data.get('price:收盤價');
const roe = data.get('fundamental_features:ROE稅後');
const bias = close / close.shift(60);
const position = bias.isLargest(30) & (roe > 0);
return sim(position, { resample: 'M' });`,
  // 4. PEG-like
  `const rev = data.get('monthly_revenue:當月營收');
const pe = data.get('price_earning_ratio:本益比');
const growing = rev.average(63) / rev.average(252) > 1.1 && rev / rev.shift(21) > 0.9;
const peg = pe / (rev.pctChange(252) * 100);
const position = peg.where(growing && peg > 0).isSmallest(10);
return sim(position, { stopLoss: 0.1, feeRatio: 1.425 / 1000 / 3 });`,
  // 5. revenue momentum
  `const rev = data.get('monthly_revenue:revenue');
const yoy = data.get('monthly_revenue:yoy');
const vol = data.get('price:成交股數');
const sum3 = rev.rolling(63).sum();
const atHigh = sum3 === sum3.rolling(504).max();
const liquid = vol.average(10) > 300_000;
const position = yoy.where(atHigh && liquid).isLargest(10);
return sim(position, { stopLoss: 0.3, positionLimit: 0.1 });`,
  // 6. high RSI
  `const close = data.get('price:close');
const position = close.rsi(20).isLargest(20);
return sim(position, { resample: 'W' });`,
  // 7. new-high breadth with sustain
  `const close = data.get('price:close');
const highs = (close == close.rolling(200).max()).sustain(5, 3);
return sim(highs, { resample: 'W', positionLimit: 0.2, stopLoss: 0.2 });`,
  // 8. value: low PB quantile
  `const pb = data.get('price_earning_ratio:股價淨值比');
const cheap = pb < pb.quantileRow(0.2);
return sim(cheap, { resample: 'Q' });`,
  // 9. breadth filter
  `const close = data.get('price:close');
const up = (close > close.shift(20)) & (close > close.shift(60));
return up;`,
  // 10. entry/exit with ranking
  `const close = data.get('price:close');
const pb = data.get('price_earning_ratio:pb');
const entry = close > close.average(20);
const exit = close < close.average(60);
const position = entry.holdUntil(exit, 10, -pb);
return sim(position);`,
  // 11. dual moving average crossover
  `const close = data.get('price:close');
const fast = close.average(10);
const slow = close.average(50);
const golden = fast > slow;
const position = close.pctChange(20).where(golden).isLargest(15);
return sim(position, { resample: 'W', trailStop: 0.12 });`,
  // 12. low volatility
  `const close = data.get('price:close');
const returns = close.pctChange(1);
const volatility = returns.rolling(60).std();
const position = volatility.isSmallest(20);
return sim(position, { resample: 'M' });`,
  // 13. z-score composite
  `const close = data.get('price:close');
const pe = data.get('price_earning_ratio:pe');
const roe = data.get('fundamental_features:roe');
const score = roe.zscore() - pe.zscore() + close.pctChange(120).zscore();
const position = score.isLargest(25);
return sim(position, { resample: 'Q', positionLimit: 0.08 });`,
  // 14. rank blend
  `const close = data.get('price:close');
const rev = data.get('monthly_revenue:revenue');
const blend = close.pctChange(60).rank() * 0.5 + rev.pctChange(252).rank() * 0.5;
return sim(blend.isLargest(20), { resample: 'M', takeProfit: 0.5 });`,
  // 15. EMA trend
  `const close = data.get('price:close');
const trend = close.ema(12) > close.ema(26);
const strong = close.rsi(14) > 55;
const position = (trend && strong).sustain(3);
return sim(position, { resample: 'W', stopLoss: 0.07 });`,
  // 16. dividend yield
  `const yieldPct = data.get('price_earning_ratio:殖利率(%)');
const close = data.get('price:close');
const position = yieldPct.where(close > close.average(120)).isLargest(15);
return sim(position, { resample: 'Q' });`,
  // 17. earnings catalyst
  `const roe = data.get('fundamental_features:roe');
const close = data.get('price:close');
const improving = roe.average(189) > roe.average(504);
const position = close.pctChange(1).average(20).where(improving).isLargest(10);
return sim(position, { resample: 'M', trailStop: 0.1 });`,
  // 18. turnover filter and momentum
  `const close = data.get('price:close');
const turnover = data.get('price:成交金額');
const liquid = turnover.average(20) > 50_000_000;
const momentum = close.pctChange(20);
const position = momentum.where(liquid && momentum > 0).isLargest(12);
return sim(position, { resample: 'M', stopLoss: 0.1, takeProfit: 0.4 });`,
  // 19. mean reversion
  `const close = data.get('price:close');
const ma = close.average(20);
const deviation = (close - ma) / close.rolling(20).std();
const oversold = deviation < -2;
return sim(deviation.where(oversold).isSmallest(10), { resample: 'W' });`,
  // 20. breakout with ATR filter
  `const close = data.get('price:close');
const high = data.get('price:high');
const low = data.get('price:low');
const trueRange = (high - low).max((high - close.shift(1)).abs()).max((low - close.shift(1)).abs());
const atr = trueRange.average(14);
const breakout = close > high.rolling(20).max().shift(1);
const calm = atr / close < 0.05;
const position = breakout && calm;
return sim(position, { resample: 'M', trailStop: 0.08 });`,
  // 21. weights: inverse volatility on momentum names
  `const close = data.get('price:close');
const vol = close.pctChange(1).rolling(20).std();
const inverse = (1 / vol).where(close.pctChange(60) > 0);
return sim(inverse, { resample: 'M', positionLimit: 0.05 });`,
  // 22. log price momentum
  `const close = data.get('price:close');
const logMomentum = close.log().diff(60);
return sim(logMomentum.isLargest(10), { resample: 'M' });`,
  // 23. quantile band
  `const close = data.get('price:close');
const ret = close.pctChange(20);
const top = ret > ret.quantileRow(0.9);
const notCrazy = ret < ret.quantileRow(0.99);
return sim(top && notCrazy, { resample: 'W', stopLoss: 0.05 });`,
  // 24. fillna and clip
  `const yoy = data.get('monthly_revenue:yoy').fillna(0).clip(-100, 300);
const mom = data.get('monthly_revenue:mom').fillna(0);
const score = yoy + mom * 0.5;
return sim(score.isLargest(10), { resample: 'M' });`,
  // 25. rise/fall
  `const close = data.get('price:close');
const rising = close.rise(5) && close.rise(20);
const notFalling = !close.fall(1);
return sim(rising && notFalling, { resample: 'D', stopLoss: 0.05, touchedExit: true });`,
  // 26. isEntry signals
  `const close = data.get('price:close');
const cross = (close > close.average(60)).isEntry();
const held = cross.sustain(20, 1);
return sim(held, { resample: null, tradeAt: 'open' });`,
  // 27. max/min of frames
  `const high = data.get('price:high');
const close = data.get('price:close');
const ceiling = high.rolling(60).max().min(close * 1.2);
const position = close / ceiling;
return sim(position.isLargest(10), { resample: 'M' });`,
  // 28. earnings yield
  `const pe = data.get('price_earning_ratio:pe');
const eps = data.get('fundamental_features:eps');
const earningsYield = 1 / pe;
const profitable = eps > 0;
return sim(earningsYield.where(profitable).isLargest(20), { resample: 'Q', taxRatio: 0.001 });`,
  // 29. operating margin quality with market value
  `const margin = data.get('fundamental_features:營業利益率');
const cap = data.get('etl:market_value');
const small = cap < cap.quantileRow(0.3);
const position = margin.where(small && margin > 10).isLargest(15);
return sim(position, { resample: 'M', stopLoss: 0.15, retainCostWhenRebalance: true });`,
  // 30. adjusted-close momentum with sqrt and negative numbers
  `const adj = data.get('etl:adj_close');
const skip = adj.shift(21) / adj.shift(252) - 1;
const damp = skip / adj.pctChange(1).rolling(252).std().sqrt();
return sim(damp.where(skip > -0.5).isLargest(30), { resample: 'M', stopTradingNextPeriod: false });`,
  // 31. exit signal combination with holdUntil
  `const close = data.get('price:close');
const entry = close > close.rolling(55).max().shift(1);
const exit = close < close.rolling(20).min().shift(1) || close.fall(10);
return sim(entry.holdUntil(exit), { trailStop: 0.15 });`,
  // 32. quoted option keys and 'open' fill
  `const close = data.get("price:close");
const open = data.get("price:open");
const gapUp = open / close.shift(1) - 1 > 0.02;
return sim(gapUp.sustain(2, 1), { "resample": "D", "tradeAt": "open_close_avg" });`,
  // 33. multiple declarators, maximum with number
  `const close = data.get('price:close'), volume = data.get('price:volume');
const spike = volume / volume.average(20).max(1);
const position = spike.where(close.rise(1)).isLargest(5);
return sim(position, { resample: 'D', positionLimit: 0.2, feeRatio: 0.0005 });`,
  // 34. abs and ne
  `const close = data.get('price:close');
const change = close.pctChange(5).abs();
const moved = change != 0;
return sim(change.where(moved).isSmallest(20), { resample: 'W' });`,
];

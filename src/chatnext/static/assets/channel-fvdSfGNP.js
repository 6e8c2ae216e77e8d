import{U as a,M as n}from"./mermaid.core-ByKU9ZuX.js";const t=(r,o)=>a.lang.round(n.parse(r)[o]);export{t as c};

import{U as a,C as n}from"./mermaid.core-D5o81O6n.js";const t=(r,o)=>a.lang.round(n.parse(r)[o]);export{t as c};

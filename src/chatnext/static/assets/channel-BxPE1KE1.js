import{U as a,M as n}from"./mermaid.core-DlYviVHn.js";const t=(r,o)=>a.lang.round(n.parse(r)[o]);export{t as c};

import{U as a,C as n}from"./mermaid.core-CYUAz3tf.js";const t=(r,o)=>a.lang.round(n.parse(r)[o]);export{t as c};

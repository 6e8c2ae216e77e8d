import{c as r,s as e}from"./flowDiagram-HODETNUW-AJ2FABbR.js";import{_ as a}from"./mermaid.core-BkxJsyVK.js";import"./chunk-5VM5RSS4-BUz2ZiXn.js";import"./chunk-XXDRQBXY-TDf-1eZL.js";import"./chunk-POPQ4Y6H-B1n186-L.js";import"./chunk-F27PBJKO-B_fN0o3Q.js";import"./index-DVFnlqns.js";import"./channel-DNTE34yf.js";import"./_commonjsHelpers-CqkleIqs.js";var o=a(t=>`${e(t)}
  .swimlane.cluster rect {
    stroke: ${t.clusterBorder} !important;
  }
  [data-look="neo"].cluster rect {
    filter: none;
  }
`,"getStyles"),m=o,y=r({defaultLayout:"swimlane",styles:m});export{y as diagram};

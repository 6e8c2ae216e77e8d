import{c as r,s as e}from"./flowDiagram-HODETNUW-DV4kFzF2.js";import{_ as a}from"./mermaid.core-D5o81O6n.js";import"./chunk-5VM5RSS4-BPRfgNxV.js";import"./chunk-XXDRQBXY-CxZ8-3h3.js";import"./chunk-POPQ4Y6H-cL_S5P6g.js";import"./chunk-F27PBJKO-CmRov_dL.js";import"./index-BCy8N8bV.js";import"./channel-D-cJlBic.js";import"./_commonjsHelpers-CqkleIqs.js";var o=a(t=>`${e(t)}
  .swimlane.cluster rect {
    stroke: ${t.clusterBorder} !important;
  }
  [data-look="neo"].cluster rect {
    filter: none;
  }
`,"getStyles"),m=o,y=r({defaultLayout:"swimlane",styles:m});export{y as diagram};
